/** Small response helpers; every error answer goes through `sendError`. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "./errors.ts";

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers with the error's status and OpenAI-style body; unexpected errors become 500. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.writableEnded || res.destroyed) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const httpError =
    err instanceof HttpError
      ? err
      : new HttpError(
          500,
          "internal_error",
          "server_error",
          `internal error: ${(err as Error)?.message ?? err}`,
        );
  sendJson(res, httpError.status, httpError.body());
}

/** Answers a request whose route failed with `err` (see `sendError`). */
export function failRequest(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  sendError(res, err);
  // Unread request bytes would otherwise sit in the socket of a kept-alive connection.
  if (!req.complete) req.resume();
}
