/** Reads a whole request body, bounded. */
import type { IncomingMessage } from "node:http";
import { BodyTooLargeError } from "./errors.ts";

/** Default bound: audio uploads and long prompts fit, a runaway client does not. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024 * 1024;

/** Resolves with the body; rejects with `BodyTooLargeError` past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}
