/**
 * The route table: CORS preflights and `/health` (open), then the API-key check, then inference routes,
 * `/upstream/...`, management and log routes. Every failure is answered by `sendError`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleApiRoute } from "./api-routes.ts";
import { checkAuth } from "./auth.ts";
import { applyCors } from "./cors.ts";
import { RouteNotFoundError } from "./errors.ts";
import { handleLogRoute } from "./log-routes.ts";
import { handleModelRoute, handleUpstreamRoute, MODEL_PATHS } from "./model-routes.ts";
import { sendError, sendText } from "./respond.ts";
import type { RouteContext } from "./route-context.ts";

/**
 * Routes one request. Not async: the inference routes (nearly every request) return their
 * handler's promise as is, rather than through one more async frame and its await, which
 * cost a promise and a microtask per request. Throws or rejects on failure.
 */
function route(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
  const url = new URL(req.url ?? "/", "http://hotswap.invalid");
  const path = url.pathname;
  if (applyCors(req, res)) return undefined;
  if (path === "/health") {
    sendText(res, 200, "OK");
    return undefined;
  }
  checkAuth(ctx.config().apiKeys, path, req.headers);
  if (req.method === "POST" && MODEL_PATHS.has(path)) return handleModelRoute(ctx, req, res, url);
  if (path.startsWith("/upstream/")) return handleUpstreamRoute(ctx, req, res, url);
  return routeRest(ctx, req, res, url, path);
}

/** Management and log routes. */
async function routeRest(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
): Promise<void> {
  if (await handleApiRoute(ctx, req, res, url)) return;
  if (handleLogRoute(ctx.logs, req, res, url)) return;
  throw new RouteNotFoundError(path);
}

/** The request listener for node:http. Never throws, never rejects. */
export function createRequestHandler(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => {
    sendError(res, err);
    // Unread request bytes would otherwise sit in the socket of a kept-alive connection.
    if (!req.complete) req.resume();
  };
  return (req, res) => {
    let pending: Promise<void> | undefined;
    try {
      pending = route(ctx, req, res);
    } catch (err) {
      fail(req, res, err);
      return;
    }
    pending?.catch((err: unknown) => fail(req, res, err));
  };
}
