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
import { isPlainPath, parseTarget } from "./request-target.ts";
import { failRequest, sendText } from "./respond.ts";
import type { RouteContext } from "./route-context.ts";

/**
 * Routes one request. Not async, and the inference routes (nearly every request) answer
 * their own failures: one more async frame and its await, or a rejection handler, would
 * cost a promise and a microtask per request. Otherwise throws or rejects on failure.
 */
function route(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
  const raw = req.url ?? "/";
  // A plain path (nearly every request) is its own pathname: no URL is built for it unless
  // a route below needs one (request-target.ts).
  const url = isPlainPath(raw) ? null : parseTarget(raw);
  const path = url === null ? raw : url.pathname;
  if (applyCors(req, res)) return undefined;
  if (path === "/health") {
    sendText(res, 200, "OK");
    return undefined;
  }
  checkAuth(ctx.config().apiKeys, path, req.headers);
  if (req.method === "POST" && MODEL_PATHS.has(path)) {
    // It answers its own failures and never throws.
    handleModelRoute(ctx, req, res, url ?? { pathname: path, search: "" });
    return undefined;
  }
  const full = url ?? parseTarget(raw);
  if (path.startsWith("/upstream/")) return handleUpstreamRoute(ctx, req, res, full);
  return routeRest(ctx, req, res, full, path);
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
  return (req, res) => {
    let pending: Promise<void> | undefined;
    try {
      pending = route(ctx, req, res);
    } catch (err) {
      failRequest(req, res, err);
      return;
    }
    pending?.catch((err: unknown) => failRequest(req, res, err));
  };
}
