/**
 * The messages between the main thread and the upload thread (upload-thread.ts,
 * upload.worker.ts). Plain data over one MessagePort; every message names its request by
 * `id`, and messages for one id arrive in the order they were sent.
 *
 * One request's life: `send` -> (`start` -> `data`* -> `end`) | `error`, and exactly one
 * `released` once the upload thread no longer reads the slab (before, between or after the
 * others). The main thread may send `pause` / `resume` / `abort` for it until `end`/`error`.
 */

/** One request for the upload thread: where and what, all but the body. */
export interface UploadRequest {
  readonly origin: string;
  /** 0 = undici's default connect timeout. */
  readonly connectTimeoutMs: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  /** 0 = no limit. */
  readonly headersTimeoutMs: number;
}

/** What the upload thread needs to send one request upstream. */
export interface SendMessage extends UploadRequest {
  readonly t: "send";
  readonly id: number;
  /** The body is the slab's first `length` bytes (shared, not copied). */
  readonly slab: SharedArrayBuffer;
  readonly length: number;
}

export type ToUploadThread =
  | SendMessage
  | { readonly t: "pause" | "resume"; readonly id: number }
  | { readonly t: "abort"; readonly id: number; readonly reason: string }
  /** The origin's server went away: close its keep-alive connections. */
  | { readonly t: "drop"; readonly origin: string };

export type FromUploadThread =
  | {
      readonly t: "start";
      readonly id: number;
      readonly status: number;
      readonly headers: Record<string, string | string[] | undefined>;
    }
  /** A response body chunk, a copy of its own (transferred, not cloned). */
  | { readonly t: "data"; readonly id: number; readonly chunk: ArrayBuffer }
  | { readonly t: "end"; readonly id: number }
  | { readonly t: "error"; readonly id: number; readonly message: string }
  /** Nothing reads the request's slab any more: it may be lent again. */
  | { readonly t: "released"; readonly id: number };
