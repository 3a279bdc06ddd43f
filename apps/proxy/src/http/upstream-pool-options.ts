/**
 * How every upstream connection pool is set up, the main thread's (upstream-pools.ts) and
 * the upload thread's (upload-sender.ts) alike, so the two paths to a model behave the same.
 */
import { buildConnector, type Pool } from "undici";

/**
 * Keep-alive 30 s; bodyTimeout 0, since a model may think for minutes between stream
 * chunks; headersTimeout 0 here, as each request carries the model's own.
 */
export const UPSTREAM_POOL_OPTIONS = {
  keepAliveTimeout: 30_000,
  bodyTimeout: 0,
  headersTimeout: 0,
} as const satisfies Pool.Options;

/** undici's default connector, with the model's connect timeout (0 = undici's own, 10 s). */
export function upstreamConnector(connectTimeoutMs: number): ReturnType<typeof buildConnector> {
  return buildConnector(connectTimeoutMs > 0 ? { timeout: connectTimeoutMs } : {});
}
