/**
 * The upload thread's side of upload-messages.ts: sends each request upstream through its own
 * undici Pool per origin, the body straight from the shared slab, and posts the answer back
 * as it arrives. A plain module (the worker entry, upload.worker.ts, only wires a port to
 * it), so tests drive it over an in-process MessageChannel.
 */
import { type Dispatcher, Pool } from "undici";
import { LeasedBody } from "../body/leased-body.ts";
import type { FromUploadThread, SendMessage, ToUploadThread } from "./upload-messages.ts";
import { UPSTREAM_POOL_OPTIONS, upstreamConnector } from "./upstream-pool-options.ts";

export type Post = (message: FromUploadThread, transfer?: ArrayBuffer[]) => void;

export class UploadSender {
  readonly #post: Post;
  readonly #pools = new Map<string, Pool>();
  /**
   * The requests in flight, for pause/resume/abort from the main thread: undici's
   * controller once it handed it over, and an abort that arrived before that.
   */
  readonly #live = new Map<
    number,
    { controller: Dispatcher.DispatchController | null; abort: string | null }
  >();

  constructor(post: Post) {
    this.#post = post;
  }

  handle(message: ToUploadThread): void {
    switch (message.t) {
      case "send":
        this.#send(message);
        return;
      case "pause":
        this.#live.get(message.id)?.controller?.pause();
        return;
      case "resume":
        this.#live.get(message.id)?.controller?.resume();
        return;
      case "abort": {
        // An abort for a request already over (its end crossed this message) is nothing.
        const live = this.#live.get(message.id);
        if (live?.controller) live.controller.abort(new Error(message.reason));
        else if (live) live.abort = message.reason;
        return;
      }
      case "drop": {
        const pool = this.#pools.get(message.origin);
        this.#pools.delete(message.origin);
        void pool?.close().catch(() => {});
        return;
      }
    }
  }

  /** Destroys every pool (requests in flight fail, and each posts its `error`). */
  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }

  #pool(origin: string, connectTimeoutMs: number): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { ...UPSTREAM_POOL_OPTIONS, connect: upstreamConnector(connectTimeoutMs) });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  #send(m: SendMessage): void {
    const { id } = m;
    // The slab rule of leased-body.ts holds here too: `released` goes out once no socket
    // write can still read the slab.
    const body = new LeasedBody(Buffer.from(m.slab, 0, m.length), () => this.#post({ t: "released", id }));
    const handler = this.#handler(id, body);
    this.#live.set(id, { controller: null, abort: null });
    try {
      this.#pool(m.origin, m.connectTimeoutMs).dispatch(
        {
          method: m.method,
          path: m.path,
          headers: m.headers,
          // undici sends async iterable bodies too (its docs say so; its types leave them out).
          body: body.chunks() as never,
          headersTimeout: m.headersTimeoutMs,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (err) {
      handler.onResponseError?.(null as never, err as Error);
    }
  }

  #handler(id: number, body: LeasedBody): Dispatcher.DispatchHandler {
    const post = this.#post;
    const finish = (): void => {
      this.#live.delete(id);
      body.releaseUnsent();
    };
    return {
      onRequestStart: (controller) => {
        const live = this.#live.get(id);
        if (live === undefined) return;
        live.controller = controller;
        if (live.abort !== null) controller.abort(new Error(live.abort));
      },
      onResponseStart: (_controller, status, headers) => {
        post({ t: "start", id, status, headers });
      },
      onResponseData: (_controller, chunk) => {
        // A copy: undici's chunk is a view of a buffer it reuses.
        const copy = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer;
        post({ t: "data", id, chunk: copy }, [copy]);
      },
      onResponseEnd: () => {
        finish();
        post({ t: "end", id });
      },
      onResponseError: (_controller, err) => {
        finish();
        post({ t: "error", id, message: err.message });
      },
    };
  }
}
