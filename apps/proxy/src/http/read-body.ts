/** Reads a whole request body, bounded, as the chunks the socket delivered. */
import type { IncomingMessage } from "node:http";
import { joinParts } from "../body/join-parts.ts";
import { BodyTooLargeError } from "./errors.ts";

/** Default bound: audio uploads and long prompts fit, a runaway client does not. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * A request body as it arrived: its chunks, not joined. A large JSON body goes to the
 * rewrite pool as these chunks (each owns its ArrayBuffer, so they move without a copy) and
 * is joined there: the main thread never holds a joined copy, which would be one more block
 * of external memory per body, and external memory is what starts its full GCs while large
 * bodies stream (bench:bodies). Everything else asks for `bytes()`.
 */
export class BodyParts {
  readonly parts: readonly Buffer[];
  readonly size: number;
  #joined: Buffer | null = null;

  constructor(parts: readonly Buffer[], size: number) {
    this.parts = parts;
    this.size = size;
  }

  /** The whole body in one Buffer (joined once, on first call; a lone chunk is returned as is). */
  bytes(): Buffer {
    this.#joined ??= joinParts(this.parts, this.size);
    return this.#joined;
  }

  /** The first byte that is not JSON whitespace, or -1. */
  firstNonSpace(): number {
    for (const part of this.parts) {
      for (const byte of part) {
        if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
      }
    }
    return -1;
  }
}

/**
 * Reads the body, then calls `onBody` with its chunks, or `onError` with `BodyTooLargeError`
 * past `limit` bytes (before reading, when the declared length is already past it) or when
 * the client leaves first; exactly one of them is called, once. Callbacks rather than a
 * promise: the inference route reads every body, and a promise, its resolvers and an await
 * cost a microtask and several allocations per request.
 * Events rather than `for await`: the async iterator costs a promise per chunk, measurable
 * on every small request and on the 300-odd chunks of a 20 MB body. The listeners stay on
 * `req` once settled (a flag makes them inert) rather than being removed: four removals per
 * request cost more than the listeners do; after 'end' only 'close' (and, if it breaks,
 * 'error') can still fire, and an 'error' with a listener is not thrown.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  onBody: (body: BodyParts) => void,
  onError: (err: Error) => void,
): void {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limit) {
    onError(new BodyTooLargeError(limit));
    return;
  }
  const parts: Buffer[] = [];
  let size = 0;
  let settled = false;
  const fail = (err: Error): void => {
    if (settled) return;
    settled = true;
    parts.length = 0;
    onError(err);
  };
  req.on("data", (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > limit) fail(new BodyTooLargeError(limit));
    else parts.push(chunk);
  });
  req.on("end", () => {
    if (settled) return;
    settled = true;
    onBody(new BodyParts(parts, size));
  });
  req.on("error", fail);
  req.on("close", () => {
    if (!req.complete) fail(new Error("the client closed the connection before the body ended"));
  });
}
