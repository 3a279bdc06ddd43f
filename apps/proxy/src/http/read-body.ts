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
export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  if (Number.isSafeInteger(declared) && declared >= OWNED_FROM_BYTES) return readInPlace(req, declared);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 1) return chunks[0] as Buffer;
  if (size < OWNED_FROM_BYTES) return Buffer.concat(chunks, size);
  const body = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(body, at);
  return body;
}

/** Node's parser holds a body to its Content-Length, so `declared` bytes is the most that comes. */
async function readInPlace(req: IncomingMessage, declared: number): Promise<Buffer> {
  const body = Buffer.allocUnsafeSlow(declared);
  let at = 0;
  for await (const chunk of req) {
    if (at + (chunk as Buffer).length > declared) throw new BodyTooLargeError(declared);
    at += (chunk as Buffer).copy(body, at);
  }
  // A short body (the client stopped early) is what arrived; subarray keeps the owned memory.
  return at === declared ? body : body.subarray(0, at);
}
