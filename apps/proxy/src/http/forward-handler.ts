/**
 * An undici dispatch handler that writes one upstream response straight into the client's
 * `ServerResponse`. Why not `request()` + `pipeline()`: that builds a Readable for the body
 * and an AbortController per response (aborted on finish, which allocates a DOMException
 * with a stack trace): measurable on the hot path. Here each chunk goes from undici's parser
 * to `res.write`, with backpressure by pausing the upstream connection.
 *
 * Outcome, given once to the `ForwardListener` (synchronously, from undici's callback that
 * ended the forward) and by the `done` promise (it never rejects):
 * - "served": the whole answer was handed to `res` (`res.end()` called);
 * - "unreachable": failed before a response head arrived (`error` says why; nothing was
 *   written to `res`);
 * - "cut": failed after the head, or the client left; `res` was destroyed if still open;
 * - "upstreamError": the head was already sent (loading state) and upstream answered >= 400:
 *   `errorStatus`/`errorText` hold it for the caller to report as a frame.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { ClientGone } from "../requests/client-gone.ts";

export type ForwardOutcome = "served" | "unreachable" | "cut" | "upstreamError";

/** Bound on an upstream error body kept for the client's error frame. */
const ERROR_TEXT_LIMIT = 2000;

/**
 * Told the outcome once the forward is over. An object with a method rather than a callback:
 * the hot path passes the object that already holds the request, so no closure is made per
 * request. Must not throw (it runs inside undici's parser callback).
 */
export interface ForwardListener {
  forwarded(handler: ForwardHandler, outcome: ForwardOutcome): void;
}

export class ForwardHandler implements Dispatcher.DispatchHandler {
  readonly #res: ServerResponse;
  readonly #headSent: boolean;
  readonly #toClientHeaders: (headers: Record<string, string | string[] | undefined>) => OutgoingHttpHeaders;
  readonly #client: ClientGone;
  #controller: Dispatcher.DispatchController | null = null;
  #headed = false;
  #waitingForDrain = false;
  #errorChunks: Buffer[] | null = null;
  #errorBytes = 0;
  readonly #listener: ForwardListener | null;
  #outcome: ForwardOutcome | null = null;
  #done: Promise<ForwardOutcome> | null = null;
  #settle: ((outcome: ForwardOutcome) => void) | null = null;
  error: Error | null = null;
  errorStatus = 0;
  errorText = "";

  constructor(
    res: ServerResponse,
    headSent: boolean,
    client: ClientGone,
    toClientHeaders: (headers: Record<string, string | string[] | undefined>) => OutgoingHttpHeaders,
    listener: ForwardListener | null = null,
  ) {
    this.#res = res;
    this.#headSent = headSent;
    this.#client = client;
    this.#toClientHeaders = toClientHeaders;
    this.#listener = listener;
    client.listen(this.#onAbort);
  }

  /**
   * The outcome as a promise (never rejects). Made on first read: the hot path passes a
   * listener instead, which saves a promise, its resolver and a microtask per request.
   */
  get done(): Promise<ForwardOutcome> {
    if (this.#done === null) {
      const outcome = this.#outcome;
      this.#done =
        outcome !== null
          ? Promise.resolve(outcome)
          : new Promise((resolve) => {
              this.#settle = resolve;
            });
    }
    return this.#done;
  }

  readonly #onAbort = (): void => {
    this.#controller?.abort(new Error("client closed the connection"));
  };

  readonly #onDrain = (): void => {
    this.#waitingForDrain = false;
    this.#controller?.resume();
  };

  #finish(outcome: ForwardOutcome): void {
    if (this.#outcome !== null) return;
    this.#outcome = outcome;
    this.#client.listen(null);
    this.#controller = null;
    this.#settle?.(outcome);
    this.#listener?.forwarded(this, outcome);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#client.gone) controller.abort(new Error("client closed the connection"));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return;
    this.#headed = true;
    if (this.#headSent) {
      // The client already has a 200 SSE head: keep the error text for a frame instead.
      if (statusCode >= 400) {
        this.errorStatus = statusCode;
        this.#errorChunks = [];
      }
      return;
    }
    this.#res.writeHead(statusCode, this.#toClientHeaders(headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#errorChunks !== null) {
      if (this.#errorBytes < ERROR_TEXT_LIMIT) {
        this.#errorChunks.push(chunk);
        this.#errorBytes += chunk.length;
      }
      return;
    }
    if (this.#res.destroyed) return;
    if (!this.#res.write(chunk) && !this.#waitingForDrain) {
      this.#waitingForDrain = true;
      controller.pause();
      this.#res.once("drain", this.#onDrain);
    }
  }

  onResponseEnd(): void {
    if (this.#errorChunks !== null) {
      this.errorText = Buffer.concat(this.#errorChunks).toString("utf8").slice(0, ERROR_TEXT_LIMIT);
      this.#finish("upstreamError");
      return;
    }
    if (!this.#res.destroyed) this.#res.end();
    this.#finish("served");
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#waitingForDrain) this.#res.off("drain", this.#onDrain);
    this.error = err;
    if (this.#errorChunks !== null) {
      // The error answer was cut short: report what arrived of it.
      this.onResponseEnd();
      return;
    }
    if (!this.#headed && !this.#client.gone) {
      this.#finish("unreachable");
      return;
    }
    // Client gone, or upstream cut mid-answer: either way the response is over.
    if (!this.#res.destroyed) this.#res.destroy();
    this.#finish("cut");
  }
}
