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

async function route(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://hotswap.invalid");
  const path = url.pathname;
  if (applyCors(req, res)) return;
  if (path === "/health") {
    sendText(res, 200, "OK");
    return;
  }
  checkAuth(ctx.config().apiKeys, path, req.headers);
  if (req.method === "POST" && MODEL_PATHS.has(path)) {
    await handleModelRoute(ctx, req, res, url);
    return;
  }
  if (path.startsWith("/upstream/")) {
    await handleUpstreamRoute(ctx, req, res, url);
    return;
  }
  if (await handleApiRoute(ctx, req, res, url)) return;
  if (handleLogRoute(ctx.logs, req, res, url)) return;
  throw new RouteNotFoundError(path);
}

/** The request listener for node:http. Never rejects. */
export function createRequestHandler(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(ctx, req, res).catch((err: unknown) => {
      sendError(res, err);
      // Unread request bytes would otherwise sit in the socket of a kept-alive connection.
      if (!req.complete) req.resume();
    });
  };
}
