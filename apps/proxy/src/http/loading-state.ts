/**
 * Loading progress for streaming requests that wait for a model (`sendLoadingState`):
 * SSE chat-completion chunks whose `choices[0].delta.reasoning_content` says what is going
 * on, written before the model's own stream on the same response.
 *
 * Framing contract:
 * 1. Every `write` to the sink is one whole frame (`data: ...\n\n`), never a fragment.
 * 2. After `stop()` nothing more is written by this writer (the upstream stream follows).
 * 3. After the sink ended nothing is written at all.
 */
import type { QueueProgress } from "../requests/ticket.ts";
import type { HttpError } from "./errors.ts";

/** The part of a ServerResponse the writer uses (a fake in tests). */
export interface FrameSink {
  write(chunk: string): boolean;
  end(): void;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
}

/** Headers of the SSE answer the loading state starts. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** Pure. One chat-completion chunk frame carrying `text` as reasoning content. */
export function reasoningFrame(
  id: string,
  model: string,
  created: number,
  text: string,
  first: boolean,
): string {
  const delta = first ? { role: "assistant", reasoning_content: text } : { reasoning_content: text };
  const chunk = {
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: null }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** Pure. The error frame sent when the request fails after the stream began, then `[DONE]`. */
export function errorFrames(err: HttpError): string {
  return `data: ${JSON.stringify(err.body())}\n\ndata: [DONE]\n\n`;
}

export interface LoadingStateOptions {
  readonly requestId: string;
  /** The id the client asked for (shown in the chunks' `model`). */
  readonly requested: string;
  /** Seconds since the epoch, for the chunks' `created`. */
  readonly created: number;
  /** Heartbeat interval; progress dots keep idle proxies from dropping the connection. */
  readonly heartbeatMs?: number;
}

export class LoadingStateWriter {
  readonly #sink: FrameSink;
  readonly #options: LoadingStateOptions;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #first = true;
  #lastPosition: number | null = null;
  #loadingShown = false;

  constructor(sink: FrameSink, options: LoadingStateOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  /**
   * Writes the first frame and starts the heartbeat. The caller already sent SSE headers.
   * `loading`: the model's process is starting now (else the request waits for a swap or a slot).
   */
  begin(loading: boolean): void {
    if (loading) this.#loadingShown = true;
    this.#frame(`${loading ? "loading" : "waiting for"} model ${this.#options.requested}\n`);
    const every = this.#options.heartbeatMs ?? 1000;
    if (every > 0) {
      this.#timer = setInterval(() => this.#frame("."), every);
      this.#timer.unref();
    }
  }

  /** Reports a queue change: loading start and queue positions, once each change. */
  progress(progress: QueueProgress): void {
    if (progress.loading && !this.#loadingShown) {
      this.#loadingShown = true;
      this.#frame(`\nloading model ${this.#options.requested}\n`);
    }
    if (progress.position !== this.#lastPosition) {
      this.#lastPosition = progress.position;
      if (progress.position > 0) this.#frame(`\nqueue position ${progress.position}\n`);
    }
  }

  /** The model is ready: one last frame, then no more writes (the model's stream follows). */
  ready(): void {
    this.#frame(`\nmodel ${this.#options.requested} ready\n\n`);
    this.stop();
  }

  /** Stops writing for good (idempotent). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The request failed while waiting: an error frame, `[DONE]`, and the end of the response. */
  fail(err: HttpError): void {
    this.stop();
    if (this.#sink.writableEnded || this.#sink.destroyed) return;
    this.#sink.write(errorFrames(err));
    this.#sink.end();
  }

  #frame(text: string): void {
    if (this.#stopped || this.#sink.writableEnded || this.#sink.destroyed) return;
    const { requestId, requested, created } = this.#options;
    this.#sink.write(reasoningFrame(`loading-${requestId}`, requested, created, text, this.#first));
    this.#first = false;
  }
}
