/** Reads a whole request body, bounded. */
import type { IncomingMessage } from "node:http";
import { BodyTooLargeError } from "./errors.ts";

/** Default bound: audio uploads and long prompts fit, a runaway client does not. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * From this size on a body is read into memory of its own, not a slice of Node's shared
 * buffer pool (Buffer.concat pools up to 32 KiB), so the rewrite pool can take it by
 * transfer instead of a copy (see body/body-rewriter.ts).
 */
const OWNED_FROM_BYTES = 64 * 1024;

/**
 * Resolves with the body; rejects with `BodyTooLargeError` past `limit` bytes. A large body
 * with a Content-Length is copied into place chunk by chunk as it arrives: one 20 MB copy at
 * the end would block the event loop for milliseconds.
 */
export function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  if (Number.isSafeInteger(declared) && declared >= OWNED_FROM_BYTES) return readInPlace(req, declared);
  const chunks: Buffer[] = [];
  let size = 0;
  return collect(req, {
    onChunk(chunk) {
      size += chunk.length;
      if (size > limit) return new BodyTooLargeError(limit);
      chunks.push(chunk);
      return null;
    },
    onEnd: () => joined(chunks, size),
  });
}

function joined(chunks: readonly Buffer[], size: number): Buffer {
  if (chunks.length === 1) return chunks[0] as Buffer;
  if (size < OWNED_FROM_BYTES) return Buffer.concat(chunks, size);
  const body = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(body, at);
  return body;
}

/** Node's parser holds a body to its Content-Length, so `declared` bytes is the most that comes. */
function readInPlace(req: IncomingMessage, declared: number): Promise<Buffer> {
  const body = Buffer.allocUnsafeSlow(declared);
  let at = 0;
  return collect(req, {
    onChunk(chunk) {
      if (at + chunk.length > declared) return new BodyTooLargeError(declared);
      at += chunk.copy(body, at);
      return null;
    },
    // A short body (the client stopped early) is what arrived; subarray keeps the owned memory.
    onEnd: () => (at === declared ? body : body.subarray(0, at)),
  });
}

interface Collector {
  /** Takes one chunk; returns an error to stop reading with, or null. */
  onChunk(chunk: Buffer): Error | null;
  onEnd(): Buffer;
}

/**
 * Feeds `req`'s chunks to `collector` until the body ends. Events rather than `for await`:
 * the async iterator costs a promise per chunk, measurable on every small request and on
 * the 300-odd chunks of a 20 MB body.
 */
function collect(req: IncomingMessage, collector: Collector): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      const err = collector.onChunk(chunk);
      if (err !== null) fail(err);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(collector.onEnd());
    };
    const onClose = (): void => {
      if (!req.complete) fail(new Error("the client closed the connection before the body ended"));
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", fail);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", fail);
    req.on("close", onClose);
  });
}
