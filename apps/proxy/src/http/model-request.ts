/**
 * One request for a model, from admission to the end of its answer:
 * requestArrived -> (loading state while waiting) -> grant -> grantDelivered -> forward ->
 * serveFinished. A client that disconnects first sends requestCancelled instead; every
 * admitted request ends in exactly one of the two (Ticket.close guards it).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { ResolvedConfig } from "@hotswap/config";
import type { Event } from "@hotswap/core";
import type { Logger } from "pino";
import type { ForwardBody } from "../body/body-rewriter.ts";
import type { ProcessTable } from "../process-table.ts";
import { ClientGone } from "../requests/client-gone.ts";
import type { Ticket, TicketRegistry } from "../requests/ticket.ts";
import { HttpError } from "./errors.ts";
import { settleForward, startForward } from "./forward.ts";
import type { ForwardHandler, ForwardListener, ForwardOutcome } from "./forward-handler.ts";
import { LoadingStateWriter, SSE_HEADERS } from "./loading-state.ts";
import { sendError } from "./respond.ts";
import type { UpstreamPools } from "./upstream-pools.ts";

export interface ModelRequestDeps {
  dispatch(event: Event): void;
  now(): number;
  config(): ResolvedConfig;
  readonly tickets: TicketRegistry;
  readonly pools: UpstreamPools;
  /** Read only, to word the first loading-state frame. */
  readonly processes: ProcessTable;
  readonly logger: Logger;
  /** Headers to strip before forwarding (the API key when keys are configured). */
  dropHeaders(): readonly string[];
}

export interface ModelRequest {
  /** Resolved model id. */
  readonly model: string;
  /** As the client sent it (id or alias). */
  readonly requested: string;
  readonly stream: boolean;
  readonly body: ForwardBody | Readable | null;
  /** Path and query to request upstream. */
  readonly path: string;
}

/**
 * Progress frames are chat-completion chunks, so only chat-completion streams get them:
 * an Anthropic `/v1/messages` or `/v1/completions` client would not parse them.
 */
const LOADING_STATE_PATH = "/v1/chat/completions";

function asHttpError(err: unknown): HttpError {
  return err instanceof HttpError
    ? err
    : new HttpError(500, "internal_error", "server_error", String((err as Error)?.message ?? err));
}

/** Starts the SSE loading state on `res` if this request gets one; null otherwise. */
function maybeLoadingState(
  deps: ModelRequestDeps,
  res: ServerResponse,
  mr: ModelRequest,
  ticket: Ticket,
): LoadingStateWriter | null {
  const wantsProgress =
    mr.stream && mr.path.startsWith(LOADING_STATE_PATH) && deps.config().models[mr.model]?.sendLoadingState;
  if (ticket.state !== "waiting" || !wantsProgress || res.destroyed) return null;
  res.writeHead(200, SSE_HEADERS);
  const writer = new LoadingStateWriter(res, {
    requestId: ticket.id,
    requested: mr.requested,
    created: Math.floor(Date.now() / 1000),
  });
  writer.begin(deps.processes.get(mr.model)?.phase === "starting");
  ticket.onProgress = (p) => writer.progress(p);
  return writer;
}

/** Starts forwarding a granted request to the model's current upstream (see `startForward`). */
function forwardGranted(
  deps: ModelRequestDeps,
  req: IncomingMessage,
  res: ServerResponse,
  mr: ModelRequest,
  client: ClientGone,
  headSent: boolean,
  listener: ForwardListener,
): ForwardHandler {
  // Read at grant time: a config reload may have moved the model while the request waited.
  const target = deps.config().models[mr.model];
  return startForward(
    deps.pools,
    {
      upstream: target?.proxy ?? "",
      model: mr.model,
      method: req.method ?? "POST",
      path: mr.path,
      headers: req.headers,
      body: mr.body,
      dropHeaders: deps.dropHeaders(),
      headersTimeoutMs: target?.timeouts.responseHeaderMs ?? 0,
      connectTimeoutMs: target?.timeouts.connectMs ?? 0,
      client,
      headSent,
    },
    res,
    listener,
  );
}

/** Answers a rejected request: an error frame in a started loading stream, else an error response. */
function answerRejected(
  deps: ModelRequestDeps,
  res: ServerResponse,
  mr: ModelRequest,
  loading: LoadingStateWriter | null,
  err: unknown,
): void {
  const httpError = asHttpError(err);
  deps.logger.info({ model: mr.model, path: mr.path, code: httpError.code }, "request rejected");
  if (loading) loading.fail(httpError);
  else sendError(res, httpError);
}

/**
 * One admitted request's story, as an object rather than an async function: the fast path (a
 * ready model with a free slot, granted in the arrival's own dispatch) then runs with no
 * promise, async frame or microtask of its own, from admission to the forward's end (the
 * forward's outcome arrives through `forwarded`, called by the ForwardHandler). Only a
 * request that has to wait awaits its ticket.
 */
class ModelServe implements ForwardListener {
  readonly #deps: ModelRequestDeps;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #mr: ModelRequest;
  readonly #ticket: Ticket;
  readonly #client = new ClientGone();
  readonly #done: () => void;
  #loading: LoadingStateWriter | null = null;
  #arrivedAt = 0;
  #ended = false;

  constructor(
    deps: ModelRequestDeps,
    req: IncomingMessage,
    res: ServerResponse,
    mr: ModelRequest,
    done: () => void,
  ) {
    this.#deps = deps;
    this.#req = req;
    this.#res = res;
    this.#mr = mr;
    this.#done = done;
    this.#ticket = deps.tickets.create(mr.model);
  }

  /** Admits the request and, when it is granted at once, starts forwarding it. */
  start(): void {
    const deps = this.#deps;
    const ticket = this.#ticket;
    // `on`, not `once`: a response emits 'close' once, and `once` wraps the listener in a
    // closure of its own for every request.
    this.#res.on("close", () => this.#clientClosed());
    const arrivedAt = deps.now();
    this.#arrivedAt = arrivedAt;
    deps.dispatch({ type: "requestArrived", id: ticket.id, model: this.#mr.model, at: arrivedAt });
    // Fast path: a loaded model with a free slot is granted inside that dispatch (run-loop.ts
    // delivers effects before returning), so there is nothing to wait for.
    if (ticket.state === "rejected") {
      this.#answerRejected(ticket.error);
      this.#finish();
      return;
    }
    // Granted in the arrival's own dispatch, it is delivered at that same instant: no second
    // clock read.
    if (ticket.state === "granted") {
      this.#forward(arrivedAt);
      return;
    }
    this.#loading = maybeLoadingState(deps, this.#res, this.#mr, ticket);
    ticket.promise
      .then(
        () => this.#forward(deps.now()),
        (err: unknown) => {
          if (!this.#client.gone) this.#answerRejected(err);
          this.#finish();
        },
      )
      // Only a bug throws above: answered as an internal error rather than left unhandled.
      .catch((err: unknown) => {
        sendError(this.#res, err);
        this.#finish();
      });
  }

  #clientClosed(): void {
    if (this.#res.writableFinished) return;
    this.#client.mark();
    this.#loading?.stop();
    this.#close(false);
  }

  #close(completed: boolean): void {
    const deps = this.#deps;
    const ticket = this.#ticket;
    const event = ticket.close(completed);
    deps.tickets.delete(ticket.id);
    if (event) deps.dispatch({ type: event, id: ticket.id, at: deps.now() });
  }

  #forward(deliveredAt: number): void {
    if (this.#client.gone) {
      this.#finish();
      return;
    }
    const deps = this.#deps;
    deps.dispatch({ type: "grantDelivered", id: this.#ticket.id, at: deliveredAt });
    this.#loading?.ready();
    try {
      forwardGranted(deps, this.#req, this.#res, this.#mr, this.#client, this.#loading !== null, this);
    } catch (err) {
      this.#answerFailed(err);
      this.#served();
    }
  }

  /** ForwardListener: the forward is over (called once, possibly inside undici's callbacks). */
  forwarded(handler: ForwardHandler, outcome: ForwardOutcome): void {
    try {
      settleForward(this.#mr.model, handler, outcome, this.#res);
    } catch (err) {
      this.#answerFailed(err);
    } finally {
      this.#served();
    }
  }

  #answerRejected(err: unknown): void {
    answerRejected(this.#deps, this.#res, this.#mr, this.#loading, err);
  }

  #answerFailed(err: unknown): void {
    if (this.#client.gone) return;
    if (this.#loading) this.#loading.fail(asHttpError(err));
    else sendError(this.#res, err);
  }

  /** The forward ended (or failed to start): serveFinished, unless the client left first. */
  #served(): void {
    if (this.#ended) return;
    // A client that left is reported as requestCancelled. Its 'close' handler aborts the
    // forward, which ends it (and calls this) synchronously, before that handler's own close.
    this.#close(!this.#client.gone);
    const deps = this.#deps;
    // Debug, not info: one line per request costs ~10 % of the proxy's CPU at full load
    // (serialising, the stdout write and the /logs copy) for a fact most operators never read.
    if (deps.logger.isLevelEnabled("debug")) {
      const ms = Math.round(deps.now() - this.#arrivedAt);
      const message = this.#client.gone ? "request cancelled by client" : "request served";
      deps.logger.debug(
        { model: this.#mr.model, path: this.#mr.path, status: this.#res.statusCode, ms },
        message,
      );
    }
    this.#finish();
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#done();
  }
}

/**
 * Serves one request for a model, from admission to the end of its answer (see the file's
 * header). `done` is called exactly once, when the request is over: answered, rejected,
 * failed, or its client gone (a client gone before admission ends it at once, unadmitted).
 * Failures are answered here; a synchronous throw (a bug) leaves `done` uncalled, for the
 * caller to answer.
 */
export function startModelRequest(
  deps: ModelRequestDeps,
  req: IncomingMessage,
  res: ServerResponse,
  mr: ModelRequest,
  done: () => void,
): void {
  // The client left while its body was read or rewritten (a large body awaits the rewrite
  // pool): its 'close' has fired already and nothing below would see it, so the request
  // would be admitted, forwarded and hold a slot for nobody.
  if (res.destroyed) {
    done();
    return;
  }
  new ModelServe(deps, req, res, mr, done).start();
}

/** `startModelRequest` as a promise: resolves when the request is over. */
export function serveModelRequest(
  deps: ModelRequestDeps,
  req: IncomingMessage,
  res: ServerResponse,
  mr: ModelRequest,
): Promise<void> {
  return new Promise((resolve) => startModelRequest(deps, req, res, mr, resolve));
}
