/** One undici Pool (keep-alive connections) per upstream origin, created on first use. */
import { Pool } from "undici";

export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();

  /** The pool for `origin`; `connectTimeoutMs` (0 = none) applies when it is created. */
  get(origin: string, connectTimeoutMs = 0): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      // bodyTimeout 0: a model may think for minutes between stream chunks; the per-request
      // headersTimeout comes from the model's config.
      pool = new Pool(origin, {
        keepAliveTimeout: 30_000,
        bodyTimeout: 0,
        headersTimeout: 0,
        ...(connectTimeoutMs > 0 ? { connect: { timeout: connectTimeoutMs } } : {}),
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** Drops idle connections to an origin whose process went away (a later one reconnects). */
  async drop(origin: string): Promise<void> {
    const pool = this.#pools.get(origin);
    if (!pool) return;
    this.#pools.delete(origin);
    await pool.close().catch(() => {});
  }

  async closeAll(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }
}
