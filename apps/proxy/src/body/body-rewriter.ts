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
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { type RewriteTable, rewriteJsonText } from "./rewrite.ts";
import type { RewriteAnswer, RewriteTask } from "./rewrite.worker.ts";
import type { RewriteOutcome } from "./rewrite-outcome.ts";

export const DEFAULT_INLINE_THRESHOLD_BYTES = 256 * 1024;

export interface BodyRewriterOptions {
  readonly thresholdBytes?: number;
  /** Pool size; default: one thread fewer than the cores (at least 1), see below. */
  readonly maxThreads?: number;
}

export interface RewriteOptions {
  /**
   * Hand `bytes` over instead of copying it: a pooled rewrite moves its memory to the worker
   * (the caller's Buffer is left empty) and the outcome's `source` holds the original bytes.
   */
  readonly transfer?: boolean;
}

export interface BodyRewriter {
  /**
   * The rewrite done here and now when `bytes` is below the threshold (the outcome's
   * `source` is `bytes`); null when it belongs to the pool. Lets a small request skip a
   * promise and a microtask.
   */
  inline(bytes: Buffer, table: RewriteTable): RewriteAnswer | null;
  /**
   * With `transfer`, `source` holds the original bytes (possibly moved and back) whenever the
   * answer has no rewritten `body`; a pooled rewrite that produced one leaves it unset.
   */
  rewrite(bytes: Buffer, table: RewriteTable, options?: RewriteOptions): Promise<RewriteAnswer>;
  /** Resolves when the pool's threads are gone (no-op when none was started). */
  close(): Promise<void>;
}

export function createBodyRewriter(options: BodyRewriterOptions = {}): BodyRewriter {
  const threshold = options.thresholdBytes ?? DEFAULT_INLINE_THRESHOLD_BYTES;
  // One core stays free for the event loop: on 2 cores, two threads parsing 20 MB bodies
  // starved the main thread and small requests' p99 rose with them.
  const maxThreads = options.maxThreads ?? Math.max(1, availableParallelism() - 1);
  // Started on the first large body: most deployments never need it.
  let pool: Piscina<RewriteTask, RewriteAnswer> | null = null;
  const rewriteHere = (bytes: Buffer, table: RewriteTable): RewriteOutcome => {
    const result = rewriteJsonText(bytes.toString("utf8"), table);
    return result.ok ? { ...result, body: result.body === null ? null : Buffer.from(result.body) } : result;
  };
  return {
    inline(bytes, table) {
      return bytes.length < threshold ? { ...rewriteHere(bytes, table), source: bytes } : null;
    },
    async rewrite(bytes, table, options = {}) {
      const transfer = options.transfer === true;
      if (bytes.length < threshold) {
        const outcome = rewriteHere(bytes, table);
        return transfer ? { ...outcome, source: bytes } : outcome;
      }
      pool ??= new Piscina<RewriteTask, RewriteAnswer>({
        filename: new URL("./rewrite.worker.ts", import.meta.url).href,
        minThreads: 1,
        maxThreads,
        idleTimeout: 30_000,
      });
      // Only a Buffer that owns its whole ArrayBuffer can move (a pooled slice would take
      // its neighbours along); large bodies from readBody always do.
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      if (!transfer || !owned) {
        const answer = await pool.run({ bytes, table, returnSource: false }, { name: "rewrite" });
        return transfer ? { ...answer, source: bytes } : answer;
      }
      return pool.run(
        { bytes, table, returnSource: true },
        { name: "rewrite", transferList: [bytes.buffer as ArrayBuffer] },
      );
    },
    async close() {
      const p = pool;
      pool = null;
      if (p) await p.destroy();
    },
  };
}
