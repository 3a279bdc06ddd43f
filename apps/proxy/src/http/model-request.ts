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
import type { ForwardHandler } from "./forward-handler.ts";
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

export async function serveModelRequest(
  deps: ModelRequestDeps,
  req: IncomingMessage,
  res: ServerResponse,
  mr: ModelRequest,
): Promise<void> {
  // The client left while its body was read or rewritten (a large body awaits the rewrite
  // pool): its 'close' has fired already and nothing below would see it, so the request
  // would be admitted, forwarded and hold a slot for nobody.
  if (res.destroyed) return;
  const ticket = deps.tickets.create(mr.model);
  const client = new ClientGone();
  let loading: LoadingStateWriter | null = null;
  const close = (completed: boolean): void => {
    const event = ticket.close(completed);
    deps.tickets.delete(ticket.id);
    if (event) deps.dispatch({ type: event, id: ticket.id, at: deps.now() });
  };
  // `on`, not `once`: a response emits 'close' once, and `once` wraps the listener in a
  // closure of its own for every request.
  res.on("close", () => {
    if (res.writableFinished) return;
    client.mark();
    loading?.stop();
    close(false);
  });

  const arrivedAt = deps.now();
  deps.dispatch({ type: "requestArrived", id: ticket.id, model: mr.model, at: arrivedAt });
  // Fast path: a loaded model with a free slot is granted inside that dispatch (run-loop.ts
  // delivers effects before returning), so there is nothing to wait for.
  if (ticket.state === "rejected") {
    answerRejected(deps, res, mr, null, ticket.error);
    return;
  }
  // Granted in the arrival's own dispatch, it is delivered at that same instant: no second
  // clock read.
  let deliveredAt = arrivedAt;
  if (ticket.state !== "granted") {
    loading = maybeLoadingState(deps, res, mr, ticket);
    try {
      await ticket.promise;
    } catch (err) {
      if (!client.gone) answerRejected(deps, res, mr, loading, err);
      return;
    }
    deliveredAt = deps.now();
  }
  if (client.gone) return;
  deps.dispatch({ type: "grantDelivered", id: ticket.id, at: deliveredAt });
  loading?.ready();
  try {
    const handler = forwardGranted(deps, req, res, mr, client, loading !== null);
    settleForward(mr.model, handler, await handler.done, res);
  } catch (err) {
    if (!client.gone) {
      if (loading) loading.fail(asHttpError(err));
      else sendError(res, err);
    }
  } finally {
    close(true);
    // Debug, not info: one line per request costs ~10 % of the proxy's CPU at full load
    // (serialising, the stdout write and the /logs copy) for a fact most operators never read.
    if (deps.logger.isLevelEnabled("debug")) {
      const ms = Math.round(deps.now() - arrivedAt);
      const message = client.gone ? "request cancelled by client" : "request served";
      deps.logger.debug({ model: mr.model, path: mr.path, status: res.statusCode, ms }, message);
    }
  }
}
