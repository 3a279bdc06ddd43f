/**
 * CORS for browser clients (chat UIs calling the proxy directly): the request's Origin is
 * allowed on every answer, and preflights are answered here, before the API-key check,
 * because browsers send them without credentials.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Sets the allow-origin headers; answers a preflight and returns true, else false. */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "Origin");
  if (req.method !== "OPTIONS" || req.headers["access-control-request-method"] === undefined) return false;
  res.writeHead(204, {
    "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
    "access-control-max-age": "86400",
  });
  res.end();
  return true;
}
