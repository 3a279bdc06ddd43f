/**
 * Inference routes: find the requested model (JSON body, multipart field `model`, or
 * `?model=`), rewrite the body for it, and serve it through the run loop.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ForwardBody, PartsAnswer } from "../body/body-rewriter.ts";
import { LeasedBody } from "../body/leased-body.ts";
import { resolveModelId } from "../body/rewrite.ts";
import { MalformedJsonError, MissingModelError, UnknownModelError } from "./errors.ts";
import { serveModelRequest, startModelRequest } from "./model-request.ts";
import { multipartBoundary, multipartField, queryModel, replaceMultipartField } from "./model-source.ts";
import { type BodyParts, DEFAULT_BODY_LIMIT_BYTES, readBody } from "./read-body.ts";
import type { RequestTarget } from "./request-target.ts";
import { failRequest } from "./respond.ts";
import type { RouteContext } from "./route-context.ts";

/** llama-swap's model-selected paths. */
export const MODEL_PATHS: ReadonlySet<string> = new Set([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/v1/rerank",
  "/v1/reranking",
  "/rerank",
  "/reranking",
  "/v1/audio/speech",
  "/v1/audio/transcriptions",
  "/v1/images/generations",
  "/v1/images/edits",
  "/v1/messages",
  "/v1/messages/count_tokens",
  "/completion",
  "/infill",
  "/v1/responses",
]);

export interface ModelSelection {
  readonly requested: string;
  readonly stream: boolean;
  /** The bytes to forward (a LeasedBody must be sent or given back: `releaseUnsent()`). */
  readonly body: ForwardBody;
}

/**
 * The content type nearly every inference request carries: compared as is before any
 * pattern is tried (two regular expressions per request otherwise).
 */
const PLAIN_JSON = "application/json";

/** JSON by content type, or by its first byte: `curl -d` labels JSON as form-urlencoded. */
function looksLikeJson(contentType: string | undefined, body: BodyParts): boolean {
  if (contentType === PLAIN_JSON) return true;
  if (contentType && /\bjson\b/i.test(contentType)) return true;
  return body.firstNonSpace() === 0x7b;
}

/**
 * Which model a buffered request names, and the body to forward (rewritten for JSON).
 * Returns a promise only when a large JSON body goes to the rewrite pool; small bodies are
 * answered synchronously (one request's worth of promises and microtasks saved).
 * Throws (or rejects with) MalformedJsonError, MissingModelError or UnknownModelError.
 */
export function selectModel(
  ctx: RouteContext,
  url: RequestTarget,
  contentType: string | undefined,
  body: BodyParts,
): Selected | Promise<Selected> {
  const boundary = contentType === PLAIN_JSON ? null : multipartBoundary(contentType);
  if (boundary !== null) {
    const bytes = body.bytes();
    const field = multipartField(bytes, boundary, "model");
    const requested = field ?? queryModel(url);
    if (requested === null) throw new MissingModelError();
    const target = resolved(ctx, requested);
    // Forms get useModelName too; their other filters apply to JSON bodies only.
    const rename = ctx.table().models[target.model]?.useModelName ?? null;
    const out =
      field !== null && rename !== null ? replaceMultipartField(bytes, boundary, "model", rename) : bytes;
    return { ...target, stream: false, body: out };
  }
  if (body.size > 0 && looksLikeJson(contentType, body)) {
    // A large body's chunks move to the rewrite worker (not copied): they are empty here
    // afterwards, and the answer carries the bytes to forward.
    const answer = ctx.rewriter.rewriteParts(body.parts, body.size, ctx.table());
    return answer instanceof Promise
      ? answer.then((a) => fromRewrite(ctx, url, a))
      : fromRewrite(ctx, url, answer);
  }
  const requested = queryModel(url);
  if (requested === null) throw new MissingModelError();
  return { ...resolved(ctx, requested), stream: false, body: body.bytes() };
}

type Selected = ModelSelection & { readonly model: string };

/** The selection a JSON rewrite answer gives (the `?model=` fallback when the body names none). */
function fromRewrite(ctx: RouteContext, url: RequestTarget, result: PartsAnswer): Selected {
  try {
    if (!result.ok) {
      const fallback = result.code === "missing_model" ? queryModel(url) : null;
      if (fallback !== null) return { ...resolved(ctx, fallback), stream: false, body: result.forward };
      throw result.code === "invalid_json" ? new MalformedJsonError(result.message) : new MissingModelError();
    }
    if (result.model === null) throw new UnknownModelError(result.requested);
  } catch (err) {
    // Rejected here: nothing will forward the body.
    if (result.forward instanceof LeasedBody) result.forward.releaseUnsent();
    throw err;
  }
  return { requested: result.requested, model: result.model, stream: result.stream, body: result.forward };
}

function resolved(ctx: RouteContext, requested: string): { requested: string; model: string } {
  const model = resolveModelId(ctx.table(), requested);
  if (model === null) throw new UnknownModelError(requested);
  return { requested, model };
}

/**
 * Reads, selects and serves an inference request. Never throws: failures are answered here.
 * Callbacks, not an async function: a small body is read, selected and served with no
 * promise or microtask of this route's own (a large body's rewrite is the one await).
 */
export function handleModelRoute(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestTarget,
): void {
  readBody(
    req,
    DEFAULT_BODY_LIMIT_BYTES,
    (body) => selectThenServe(ctx, req, res, url, body),
    (err) => failRequest(req, res, err),
  );
}

function selectThenServe(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestTarget,
  body: BodyParts,
): void {
  let picked: Selected | Promise<Selected>;
  try {
    picked = selectModel(ctx, url, req.headers["content-type"], body);
  } catch (err) {
    failRequest(req, res, err);
    return;
  }
  if (picked instanceof Promise) {
    picked.then(
      (selection) => serveSelected(ctx, req, res, url, selection),
      (err: unknown) => failRequest(req, res, err),
    );
  } else {
    serveSelected(ctx, req, res, url, picked);
  }
}

/** Nothing to give back when the request is over (the body is a Buffer). */
const NOTHING = (): void => {};

function serveSelected(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestTarget,
  selection: Selected,
): void {
  const body = selection.body;
  // Rejected or cancelled before forwarding: the slab goes back (a sent body returns it itself).
  const done = body instanceof LeasedBody ? () => body.releaseUnsent() : NOTHING;
  try {
    startModelRequest(
      ctx,
      req,
      res,
      {
        model: selection.model,
        requested: selection.requested,
        stream: selection.stream,
        body,
        path: `${url.pathname}${url.search}`,
      },
      done,
    );
  } catch (err) {
    done();
    failRequest(req, res, err);
  }
}

/**
 * `/upstream/<model>/<path>`: the model id is the longest leading run of path segments that
 * names a model or alias (ids may contain "/"). The body is piped, not read.
 */
export async function handleUpstreamRoute(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const rest = url.pathname.slice("/upstream/".length);
  const segments = rest.split("/");
  for (let n = segments.length; n >= 1; n--) {
    const requested = decodeURIComponent(segments.slice(0, n).join("/"));
    const model = resolveModelId(ctx.table(), requested);
    if (model === null) continue;
    const path = `/${segments.slice(n).join("/")}${url.search}`;
    const hasBody =
      req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
    await serveModelRequest(ctx, req, res, {
      model,
      requested,
      stream: false,
      body: hasBody ? req : null,
      path,
    });
    return;
  }
  throw new UnknownModelError(decodeURIComponent(segments[0] ?? ""));
}
