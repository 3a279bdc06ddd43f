/**
 * Chooses where a body is rewritten: inline below `thresholdBytes`, in a piscina pool above,
 * so one huge prompt does not stall the event loop for every other request.
 *
 * Threshold 256 KiB, from bench/rewrite-threshold.ts on this shared 2-core machine (ms per
 * body; inline = main thread blocked; pool = wall time / main-thread busy time):
 *   62 KiB: inline 0.17, pool 0.37 / 0.15    250 KiB: inline 0.98, pool 1.35 / 0.30
 *   1 MiB:  inline 4.2,  pool 6.2  / 2.4     4 MiB:   inline 15.9, pool 25.4 / 5.1
 * The pool frees most of the loop's time from ~128 KiB on but adds 0.2-0.4 ms of latency
 * (more for multi-MiB bodies); at 256 KiB an inline rewrite still blocks about 1 ms, so
 * smaller bodies stay inline.
 */
import { Piscina } from "piscina";
import { type RewriteTable, rewriteJsonText } from "./rewrite.ts";
import type { RewriteTask } from "./rewrite.worker.ts";
import type { RewriteOutcome } from "./rewrite-outcome.ts";

export const DEFAULT_INLINE_THRESHOLD_BYTES = 256 * 1024;

export interface BodyRewriterOptions {
  readonly thresholdBytes?: number;
  /** Pool size; the machine has 2 cores, so 1-2 threads. */
  readonly maxThreads?: number;
}

export interface BodyRewriter {
  rewrite(bytes: Buffer, table: RewriteTable): Promise<RewriteOutcome>;
  /** Resolves when the pool's threads are gone (no-op when none was started). */
  close(): Promise<void>;
}

export function createBodyRewriter(options: BodyRewriterOptions = {}): BodyRewriter {
  const threshold = options.thresholdBytes ?? DEFAULT_INLINE_THRESHOLD_BYTES;
  const maxThreads = options.maxThreads ?? 2;
  // Started on the first large body: most deployments never need it.
  let pool: Piscina<RewriteTask, RewriteOutcome> | null = null;
  return {
    async rewrite(bytes, table) {
      if (bytes.length < threshold) {
        const result = rewriteJsonText(bytes.toString("utf8"), table);
        if (!result.ok) return result;
        return { ...result, body: result.body === null ? null : Buffer.from(result.body) };
      }
      pool ??= new Piscina<RewriteTask, RewriteOutcome>({
        filename: new URL("./rewrite.worker.ts", import.meta.url).href,
        minThreads: 1,
        maxThreads,
        idleTimeout: 30_000,
      });
      return pool.run({ bytes, table }, { name: "rewrite" });
    },
    async close() {
      const p = pool;
      pool = null;
      if (p) await p.destroy();
    },
  };
}
