/**
 * Forwards one granted request upstream through undici and streams the answer back.
 *
 * Contract:
 * 1. The request body is sent as given: a Buffer (rewritten or original bytes) or the
 *    client's request stream, piped with backpressure, from this thread; a LeasedBody (a
 *    large body in a slab) from the upload thread (upload-thread.ts), with the same handler.
 * 2. The response is streamed to the client as it arrives (no buffering), with hop-by-hop
 *    headers dropped both ways.
 * 3. `client` marked gone (the client left) aborts the upstream request; `forward` then
 *    resolves without writing anything more.
 * 4. Before the response head was sent, failures throw `UpstreamUnreachableError`; after
 *    it, a broken upstream destroys the client response (the client sees a cut stream).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { ForwardBody } from "../body/body-rewriter.ts";
import { LeasedBody } from "../body/leased-body.ts";
import type { ClientGone } from "../requests/client-gone.ts";
import { UpstreamUnreachableError } from "./errors.ts";
import { ForwardHandler, type ForwardListener, type ForwardOutcome } from "./forward-handler.ts";
import { errorFrames } from "./loading-state.ts";
import { upstreamBase } from "./upstream-base.ts";
import type { UpstreamPools } from "./upstream-pools.ts";

/**
 * Connection-level headers (RFC 9110 7.6.1) plus ones undici sets itself or rejects:
 * connection, keep-alive, proxy-authenticate, proxy-authorization, proxy-connection, te,
 * trailer, transfer-encoding, upgrade, expect, host. `name` in lower case.
 *
 * A switch on the length rather than a Set: this runs for every header of every request and
 * response, and header names are fresh strings (node:http and undici lower-case all but
 * the best-known names per message), so `Set.has` hashed each one first; most names here
 * fail on the length alone.
 */
function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return name === "te";
    case 4:
      return name === "host";
    case 6:
      return name === "expect";
    case 7:
      return name === "trailer" || name === "upgrade";
    case 10:
      return name === "connection" || name === "keep-alive";
    case 16:
      return name === "proxy-connection";
    case 17:
      return name === "transfer-encoding";
    case 18:
      return name === "proxy-authenticate";
    case 19:
      return name === "proxy-authorization";
    default:
      return false;
  }
}

export interface ForwardRequest {
  /** The model's upstream base URL (`proxy` in the config), possibly with a path prefix. */
  readonly upstream: string;
  readonly model: string;
  readonly method: string;
  /** Path and query to request upstream, starting with "/". */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** A LeasedBody goes from the upload thread, which gives the slab back once written. */
  readonly body: ForwardBody | Readable | null;
  /** Extra request headers to drop (the client's API key). */
  readonly dropHeaders: readonly string[];
  /** 0 = no limit. */
  readonly headersTimeoutMs: number;
  /** 0 = no limit. */
  readonly connectTimeoutMs: number;
  readonly client: ClientGone;
  /** The response head was already sent (loading state): only the body goes to the client. */
  readonly headSent: boolean;
}

/** The header names a Connection header lists (hop-by-hop too, RFC 9110 7.6.1), lower-cased. */
function connectionTokens(value: string | string[]): string[] {
  return String(value)
    .split(",")
    .map((t) => t.trim().toLowerCase());
}

/**
 * Pure. Request headers for upstream: hop-by-hop, dropped and length headers removed.
 * `for...in` rather than Object.entries: no array of pairs per request.
 */
export function upstreamHeaders(
  headers: IncomingHttpHeaders,
  drop: readonly string[],
  body: ForwardBody | Readable | null,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const connection = headers.connection;
  // "keep-alive" and "close" (nearly every client) name no other header: skip the split.
  const listed =
    connection === undefined || connection === "keep-alive" || connection === "close"
      ? null
      : connectionTokens(connection);
  const length = Buffer.isBuffer(body) ? body.length : body instanceof LeasedBody ? body.bytes.length : -1;
  const rewritten = length >= 0;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isHopByHop(name)) continue;
    if (listed?.includes(name) || (drop.length > 0 && drop.includes(name))) continue;
    // A rewritten body has its own length; a streamed one keeps the client's.
    if (rewritten && name === "content-length") continue;
    out[name] = value;
  }
  if (rewritten) out["content-length"] = String(length);
  return out;
}

/** Pure. Response headers for the client, hop-by-hop removed. */
export function clientHeaders(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isHopByHop(name.toLowerCase())) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Sends the request upstream and returns the handler writing its answer to `res`; its
 * outcome (`listener`, else `handler.done`) goes to `settleForward`. Split from `forward` so
 * the hot path takes the outcome through its listener, with no promise or async frame. The
 * listener may be told before this returns (a dispatch that fails at once).
 */
export function startForward(
  pools: UpstreamPools,
  fr: ForwardRequest,
  res: ServerResponse,
  listener: ForwardListener | null = null,
): ForwardHandler {
  const base = upstreamBase(fr.upstream);
  const handler = new ForwardHandler(res, fr.headSent, fr.client, clientHeaders, listener);
  const path = `${base.prefix}${fr.path}`;
  const headers = upstreamHeaders(fr.headers, fr.dropHeaders, fr.body);
  try {
    if (fr.body instanceof LeasedBody) {
      // A large body goes from the upload thread, so this thread does not copy its bytes.
      const request = {
        origin: base.origin,
        connectTimeoutMs: fr.connectTimeoutMs,
        method: fr.method,
        path,
        headers,
        headersTimeoutMs: fr.headersTimeoutMs,
      };
      pools.uploads.dispatch(request, fr.body, handler);
    } else {
      pools.get(base.origin, fr.connectTimeoutMs).dispatch(
        {
          method: fr.method,
          path,
          headers,
          body: fr.body,
          headersTimeout: fr.headersTimeoutMs,
          bodyTimeout: 0,
        },
        handler,
      );
    }
  } catch (err) {
    handler.onResponseError(null as never, err as Error);
  }
  return handler;
}

/**
 * Finishes a forward of `model` once `handler.done` gave `outcome`: throws
 * `UpstreamUnreachableError` when nothing was answered, and ends a started loading stream
 * with an error frame when upstream answered with an error.
 */
export function settleForward(
  model: string,
  handler: ForwardHandler,
  outcome: ForwardOutcome,
  res: ServerResponse,
): void {
  if (outcome === "unreachable") {
    throw new UpstreamUnreachableError(model, handler.error?.message ?? "no answer");
  }
  if (outcome === "upstreamError") {
    const err = new UpstreamUnreachableError(model, `status ${handler.errorStatus}: ${handler.errorText}`);
    if (!res.writableEnded && !res.destroyed) res.end(errorFrames(err));
  }
}

/** `startForward`, then `settleForward` once the answer is over. */
export async function forward(pools: UpstreamPools, fr: ForwardRequest, res: ServerResponse): Promise<void> {
  const handler = startForward(pools, fr, res);
  settleForward(fr.model, handler, await handler.done, res);
}
