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
import { joinParts } from "./join-parts.ts";
import { type RewriteTable, rewriteJsonText } from "./rewrite.ts";
import type { RewriteAnswer, RewriteTask } from "./rewrite.worker.ts";

export const DEFAULT_INLINE_THRESHOLD_BYTES = 256 * 1024;

export interface BodyRewriterOptions {
  readonly thresholdBytes?: number;
  /** Pool size; default: one thread fewer than the cores (at least 1), see below. */
  readonly maxThreads?: number;
}

export interface BodyRewriter {
  /**
   * A body as the chunks it arrived in (see http/read-body.ts): below the threshold they are
   * joined and rewritten here and now, synchronously (`source` is the joined bytes); above it
   * they move to the pool without a copy (each chunk that owns its ArrayBuffer is
   * transferred; the caller's chunks are then empty) and are joined there, and `source`
   * holds the joined original whenever the answer has no rewritten `body`.
   */
  rewriteParts(
    parts: readonly Buffer[],
    size: number,
    table: RewriteTable,
  ): RewriteAnswer | Promise<RewriteAnswer>;
  /**
   * One whole body, left with the caller: a pooled rewrite gets a copy (no `source` in the
   * answer). For tools and benches that time the two paths (bench/rewrite-threshold.ts).
   */
  rewrite(bytes: Buffer, table: RewriteTable): Promise<RewriteAnswer>;
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
  // Built field by field, not by spreading the result: this runs once per small request.
  const rewriteHere = (bytes: Buffer, table: RewriteTable, withSource: boolean): RewriteAnswer => {
    const r = rewriteJsonText(bytes.toString("utf8"), table);
    if (!r.ok) return withSource ? { ok: false, code: r.code, message: r.message, source: bytes } : r;
    const body = r.body === null ? null : Buffer.from(r.body);
    return withSource
      ? { ok: true, requested: r.requested, model: r.model, stream: r.stream, body, source: bytes }
      : { ok: true, requested: r.requested, model: r.model, stream: r.stream, body };
  };
  const startPool = (): Piscina<RewriteTask, RewriteAnswer> => {
    pool ??= new Piscina<RewriteTask, RewriteAnswer>({
      filename: new URL("./rewrite.worker.ts", import.meta.url).href,
      minThreads: 1,
      maxThreads,
      idleTimeout: 30_000,
    });
    return pool;
  };
  return {
    rewriteParts(parts, size, table) {
      if (size < threshold) {
        return rewriteHere(joinParts(parts, size), table, true);
      }
      // Only a chunk that owns its whole ArrayBuffer can move (a pooled slice would take its
      // neighbours along); node:http's body chunks do, anything else is copied first.
      const movable: Uint8Array[] = parts.map((p) => (owns(p) ? p : new Uint8Array(p)));
      return startPool().run(
        { parts: movable, table, returnSource: true },
        { name: "rewrite", transferList: movable.map((p) => p.buffer as ArrayBuffer) },
      );
    },
    async rewrite(bytes, table) {
      if (bytes.length < threshold) return rewriteHere(bytes, table, false);
      return startPool().run({ parts: [bytes], table, returnSource: false }, { name: "rewrite" });
    },
    async close() {
      const p = pool;
      pool = null;
      if (p) await p.destroy();
    },
  };
}

/** Whether `bytes` is the whole of its ArrayBuffer (so moving that buffer moves nothing else). */
function owns(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}
