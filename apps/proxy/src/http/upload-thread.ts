/**
 * Large request bodies go upstream from a thread of their own: the main thread's side.
 *
 * Why: a leased body (1 MiB and up, already in a shared slab, see body/leased-body.ts) sent
 * from the main thread makes the HTTP thread copy every byte into the upstream socket, run
 * undici's iterable-body bookkeeping and handle the socket's writable events: work every
 * small request queues behind (bench:bodies: the small requests' loaded p99 fell 10-25%
 * with this thread). Here the upload thread (upload.worker.ts, at a lower priority) writes
 * the slab, which it shares without a copy, and only the answer comes back as messages
 * (upload-messages.ts).
 *
 * `dispatch` takes an undici dispatch handler and drives it as undici would: the same
 * callbacks in the same order, and a controller whose pause/resume/abort reach the request
 * in the upload thread. So forward.ts serves both paths with one ForwardHandler.
 *
 * Faults: if the thread dies, every request it held fails (`onResponseError`) and every slab
 * it held is given back; the next large body starts a new thread.
 */
import { Worker } from "node:worker_threads";
import type { Dispatcher } from "undici";
import type { LeasedBody } from "../body/leased-body.ts";
import type { FromUploadThread, ToUploadThread, UploadRequest } from "./upload-messages.ts";

export type { UploadRequest };

/** The link to the upload thread: a seam, so tests can run the thread's side in-process. */
export interface UploadChannel {
  post(message: ToUploadThread): void;
  /** Ends the thread; `onGone` is not called for it. */
  close(): Promise<void>;
}

/** Opens a channel; `onGone` reports the thread died by itself. */
export type OpenUploadChannel = (
  onMessage: (message: FromUploadThread) => void,
  onGone: (reason: Error) => void,
) => UploadChannel;

/** The default channel: a worker thread running upload.worker.ts. */
export const workerUploadChannel: OpenUploadChannel = (onMessage, onGone) => {
  const worker = new Worker(new URL("./upload.worker.ts", import.meta.url));
  let closing = false;
  worker.on("message", onMessage);
  // 'exit' follows 'error'; only then is nothing left that reads a slab.
  worker.on("error", () => {});
  worker.on("exit", (code) => {
    if (!closing) onGone(new Error(`upload thread exited with code ${code}`));
  });
  // Requests in flight hold their client sockets, which keep the process alive; an idle
  // upload thread must not.
  worker.unref();
  return {
    post: (message) => worker.postMessage(message),
    close: async () => {
      closing = true;
      await worker.terminate();
    },
  };
};

/** undici's controller, for a request that lives in the upload thread. */
class RemoteController implements Dispatcher.DispatchController {
  readonly #id: number;
  readonly #post: (message: ToUploadThread) => void;
  #aborted = false;
  #paused = false;
  #reason: Error | null = null;

  constructor(id: number, post: (message: ToUploadThread) => void) {
    this.#id = id;
    this.#post = post;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#post({ t: "abort", id: this.#id, reason: reason.message });
  }

  pause(): void {
    if (this.#paused || this.#aborted) return;
    this.#paused = true;
    this.#post({ t: "pause", id: this.#id });
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#post({ t: "resume", id: this.#id });
  }
}

interface Held {
  readonly requests: readonly number[];
  readonly slabs: readonly number[];
}

interface InFlight {
  readonly handler: Dispatcher.DispatchHandler;
  readonly controller: RemoteController;
}

/** An upload thread with nothing to do is ended after this long (as the rewrite pool's). */
export const UPLOAD_IDLE_MS = 30_000;

export class UploadThread {
  readonly #open: OpenUploadChannel;
  readonly #idleMs: number;
  #channel: UploadChannel | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #nextId = 1;
  /** Requests until their `end`/`error`. */
  readonly #inFlight = new Map<number, InFlight>();
  /** Slabs until their `released` (which may come after `end`). */
  readonly #lent = new Map<number, () => void>();

  constructor(open: OpenUploadChannel = workerUploadChannel, idleMs = UPLOAD_IDLE_MS) {
    this.#open = open;
    this.#idleMs = idleMs;
  }

  /** Whether the thread is running (tests, diagnostics). */
  get running(): boolean {
    return this.#channel !== null;
  }

  /** Requests whose answer has not ended yet (tests, diagnostics). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Slabs the upload thread still holds (tests, diagnostics). */
  get lentSlabs(): number {
    return this.#lent.size;
  }

  /**
   * Sends `request` with `body` upstream from the upload thread and drives `handler` with the
   * answer. The body's slab goes back once the thread no longer reads it.
   */
  dispatch(request: UploadRequest, body: LeasedBody, handler: Dispatcher.DispatchHandler): void {
    // The thread first: if it cannot start, this throws with the slab still the body's.
    const channel = this.#channelOrOpen();
    const give = body.lend();
    const id = this.#nextId++;
    const controller = new RemoteController(id, (m) => channel.post(m));
    if (give === null) {
      // Released before it was sent (cancelled): nothing to send, as chunks() would send nothing.
      handler.onResponseError?.(controller, new Error("the request body was released before it was sent"));
      return;
    }
    this.#inFlight.set(id, { handler, controller });
    this.#lent.set(id, give);
    const { slab, length } = body.shared();
    channel.post({ t: "send", id, ...request, slab, length });
    handler.onRequestStart?.(controller, {});
  }

  /**
   * Starts the thread now if it is not running: a large body on its way (being rewritten)
   * then does not wait for the thread's start (~50-100 ms) once it is ready to send.
   */
  prepare(): void {
    this.#channelOrOpen();
    this.#idleCheck();
  }

  /** The origin's server went away: the thread closes its connections to it. */
  drop(origin: string): void {
    this.#channel?.post({ t: "drop", origin });
  }

  /** Ends the thread. Requests still in it fail, and their slabs come back. */
  async close(): Promise<void> {
    this.#clearIdle();
    const channel = this.#channel;
    this.#channel = null;
    if (channel === null) return;
    // Only what this thread held: a body dispatched meanwhile opens a thread of its own.
    const held = this.#held();
    await channel.close();
    this.#fail(new Error("the proxy is shutting down"), held);
  }

  #channelOrOpen(): UploadChannel {
    this.#clearIdle();
    this.#channel ??= this.#open(
      (message) => this.#receive(message),
      (reason) => {
        this.#channel = null;
        this.#fail(reason, this.#held());
      },
    );
    return this.#channel;
  }

  #receive(message: FromUploadThread): void {
    if (message.t === "released") {
      const give = this.#lent.get(message.id);
      this.#lent.delete(message.id);
      give?.();
      this.#idleCheck();
      return;
    }
    const request = this.#inFlight.get(message.id);
    if (request === undefined) return;
    const { handler, controller } = request;
    switch (message.t) {
      case "start":
        handler.onResponseStart?.(controller, message.status, message.headers as never, "");
        return;
      case "data":
        handler.onResponseData?.(controller, Buffer.from(message.chunk));
        return;
      case "end":
        this.#inFlight.delete(message.id);
        handler.onResponseEnd?.(controller, {});
        this.#idleCheck();
        return;
      case "error":
        this.#inFlight.delete(message.id);
        handler.onResponseError?.(controller, new Error(message.message));
        this.#idleCheck();
        return;
    }
  }

  /**
   * With nothing in flight and no slab lent, the thread is ended after `idleMs` (a thread
   * and its undici pools hold ~10-20 MB); the next large body starts a new one.
   */
  #idleCheck(): void {
    if (this.#inFlight.size > 0 || this.#lent.size > 0 || this.#channel === null || this.#idleTimer) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (this.#inFlight.size > 0 || this.#lent.size > 0) return;
      // Nothing of its own to fail: a body dispatched from now on opens a new thread.
      const channel = this.#channel;
      this.#channel = null;
      void channel?.close();
    }, this.#idleMs);
    this.#idleTimer.unref();
  }

  #clearIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  /** The ids of the requests and slabs the current thread holds. */
  #held(): Held {
    return { requests: [...this.#inFlight.keys()], slabs: [...this.#lent.keys()] };
  }

  /** A thread is gone: nothing reads its slabs any more, and no answer will come for its requests. */
  #fail(reason: Error, held: Held): void {
    for (const id of held.slabs) {
      const give = this.#lent.get(id);
      this.#lent.delete(id);
      give?.();
    }
    for (const id of held.requests) {
      const request = this.#inFlight.get(id);
      this.#inFlight.delete(id);
      request?.handler.onResponseError?.(request.controller, reason);
    }
  }
}
