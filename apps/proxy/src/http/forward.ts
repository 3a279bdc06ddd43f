/**
 * Forwards one granted request upstream through undici and streams the answer back.
 *
 * Contract:
 * 1. The request body is sent as given: a Buffer (rewritten or original bytes) or the
 *    client's request stream, piped with backpressure.
 * 2. The response is streamed to the client as it arrives (no buffering), with hop-by-hop
 *    headers dropped both ways.
 * 3. `signal` aborting (the client left) aborts the upstream request; `forward` then
 *    resolves without writing anything more.
 * 4. Before the response head was sent, failures throw `UpstreamUnreachableError`; after
 *    it, a broken upstream destroys the client response (the client sees a cut stream).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { UpstreamUnreachableError } from "./errors.ts";
import { errorFrames } from "./loading-state.ts";
import type { UpstreamPools } from "./upstream-pools.ts";

/** Connection-level headers (RFC 9110 7.6.1) plus ones undici sets itself or rejects. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "host",
]);

export interface ForwardRequest {
  /** The model's upstream base URL (`proxy` in the config), possibly with a path prefix. */
  readonly upstream: string;
  readonly model: string;
  readonly method: string;
  /** Path and query to request upstream, starting with "/". */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer | Readable | null;
  /** Extra request headers to drop (the client's API key). */
  readonly dropHeaders: readonly string[];
  /** 0 = no limit. */
  readonly headersTimeoutMs: number;
  /** 0 = no limit. */
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
  /** The response head was already sent (loading state): only the body goes to the client. */
  readonly headSent: boolean;
}

/** Pure. Request headers for upstream: hop-by-hop, dropped and length headers removed. */
export function upstreamHeaders(
  headers: IncomingHttpHeaders,
  drop: readonly string[],
  body: Buffer | Readable | null,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const connectionTokens = String(headers.connection ?? "")
    .split(",")
    .map((t) => t.trim().toLowerCase());
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.includes(name) || connectionTokens.includes(name))
      continue;
    // A rewritten body has its own length; a streamed one keeps the client's.
    if (name === "content-length" && Buffer.isBuffer(body)) continue;
    out[name] = value;
  }
  if (Buffer.isBuffer(body)) out["content-length"] = String(body.length);
  return out;
}

/** Pure. Response headers for the client, hop-by-hop removed. */
export function clientHeaders(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    out[name] = value;
  }
  return out;
}

function joinPath(upstream: URL, path: string): string {
  const prefix = upstream.pathname.replace(/\/+$/, "");
  return `${prefix}${path}`;
}

export async function forward(pools: UpstreamPools, fr: ForwardRequest, res: ServerResponse): Promise<void> {
  const base = new URL(fr.upstream);
  let upstream: Awaited<ReturnType<ReturnType<UpstreamPools["get"]>["request"]>>;
  try {
    upstream = await pools.get(base.origin, fr.connectTimeoutMs).request({
      method: fr.method as "POST",
      path: joinPath(base, fr.path),
      headers: upstreamHeaders(fr.headers, fr.dropHeaders, fr.body),
      body: fr.body,
      signal: fr.signal,
      headersTimeout: fr.headersTimeoutMs,
      bodyTimeout: 0,
    });
  } catch (err) {
    if (fr.signal.aborted) return;
    throw new UpstreamUnreachableError(fr.model, (err as Error).message);
  }
  if (fr.signal.aborted) {
    upstream.body.destroy();
    return;
  }
  if (fr.headSent) {
    if (upstream.statusCode >= 400) {
      // The client already has a 200 SSE head: report the upstream error as a frame.
      const text = await upstream.body.text().catch(() => "");
      const err = new UpstreamUnreachableError(
        fr.model,
        `status ${upstream.statusCode}: ${text.slice(0, 2000)}`,
      );
      if (!res.writableEnded && !res.destroyed) res.end(errorFrames(err));
      return;
    }
  } else {
    res.writeHead(upstream.statusCode, clientHeaders(upstream.headers));
  }
  try {
    await pipeline(upstream.body, res);
  } catch {
    // Client gone (signal aborted) or upstream cut mid-stream: either way the response is over.
    if (!res.destroyed) res.destroy();
  }
}
