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
import { LEASE_FROM_BYTES, LeasedBody } from "./leased-body.ts";
import { type RewriteTable, rewriteJsonText } from "./rewrite.ts";
import type { RewriteAnswer, RewriteTask } from "./rewrite.worker.ts";
import type { RewriteOutcome } from "./rewrite-outcome.ts";
import { SlabPool } from "./slab-pool.ts";

export const DEFAULT_INLINE_THRESHOLD_BYTES = 256 * 1024;

export interface BodyRewriterOptions {
  readonly thresholdBytes?: number;
  /** Pool size; default: one thread fewer than the cores (at least 1), see below. */
  readonly maxThreads?: number;
  /** Where leased bodies come from; default: a SlabPool with its default limits. */
  readonly slabs?: SlabPool;
  /** Called as a body is sent to be rewritten into a slab (whoever sends slabs can get ready). */
  readonly onLease?: () => void;
}

/** The bytes to forward: a Buffer of their own, or a view of a leased slab. */
export type ForwardBody = Buffer | LeasedBody;

/**
 * A body's rewrite outcome and the bytes to forward: the rewritten body, or the original
 * when it is unchanged or the rewrite failed (a `missing_model` body may still go on by
 * `?model=`). A LeasedBody must end lent to a writer (`lend()`, the upload thread), its
 * `chunks()` consumed, or `releaseUnsent()`.
 */
export type PartsAnswer = WithoutBody<RewriteOutcome> & { readonly forward: ForwardBody };

type WithoutBody<T> = T extends unknown ? Omit<T, "body"> : never;

export interface BodyRewriter {
  /**
   * A body as the chunks it arrived in (see http/read-body.ts): below the threshold they are
   * joined and rewritten here and now, synchronously; above it they move to the pool without
   * a copy (each chunk that owns its ArrayBuffer is transferred; the caller's chunks are then
   * empty) and are joined there. From LEASE_FROM_BYTES on, the worker writes the bytes to
   * forward into a slab from this rewriter's pool (slab-pool.ts).
   */
  rewriteParts(
    parts: readonly Buffer[],
    size: number,
    table: RewriteTable,
  ): PartsAnswer | Promise<PartsAnswer>;
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
  const slabs = options.slabs ?? new SlabPool();
  // Built field by field, not by spreading the result: this runs once per small request.
  const rewriteHere = (bytes: Buffer, table: RewriteTable): PartsAnswer => {
    const r = rewriteJsonText(bytes.toString("utf8"), table);
    if (!r.ok) return { ok: false, code: r.code, message: r.message, forward: bytes };
    const forward = r.body === null ? bytes : Buffer.from(r.body);
    return { ok: true, requested: r.requested, model: r.model, stream: r.stream, forward };
  };
  const copyHere = (bytes: Buffer, table: RewriteTable): RewriteAnswer => {
    const r = rewriteJsonText(bytes.toString("utf8"), table);
    if (!r.ok) return r;
    return { ...r, body: r.body === null ? null : Buffer.from(r.body) };
  };
  const startPool = (): Piscina<RewriteTask, RewriteAnswer> => {
    pool ??= new Piscina<RewriteTask, RewriteAnswer>({
      filename: new URL("./rewrite.worker.ts", import.meta.url).href,
      // No thread kept when idle: a thread holds its heap and its reused join buffer (as much
      // as the largest body, see rewrite.worker.ts) for the process's life otherwise. The
      // first large body after 30 s idle pays a thread start (tens of ms, off this thread).
      minThreads: 0,
      maxThreads,
      idleTimeout: 30_000,
    });
    return pool;
  };
  return {
    rewriteParts(parts, size, table) {
      if (size < threshold) return rewriteHere(joinParts(parts, size), table);
      // Only a chunk that owns its whole ArrayBuffer can move (a pooled slice would take its
      // neighbours along); node:http's body chunks do, anything else is copied first.
      const movable: Uint8Array[] = parts.map((p) => (owns(p) ? p : new Uint8Array(p)));
      // Room for what setParams and a longer useModelName add; a body that outgrows it comes
      // back as bytes of its own instead.
      const slab = size >= LEASE_FROM_BYTES ? slabs.lease(size + Math.max(64 * 1024, size >> 6)) : undefined;
      if (slab) options.onLease?.();
      const task: RewriteTask = slab
        ? { parts: movable, table, returnSource: true, slab }
        : { parts: movable, table, returnSource: true };
      return startPool()
        .run(task, { name: "rewrite", transferList: movable.map((p) => p.buffer as ArrayBuffer) })
        .then(
          (answer) => fromPool(answer, slab, slabs),
          (err: unknown) => {
            if (slab) slabs.release(slab);
            throw err;
          },
        );
    },
    async rewrite(bytes, table) {
      if (bytes.length < threshold) return copyHere(bytes, table);
      return startPool().run({ parts: [bytes], table, returnSource: false }, { name: "rewrite" });
    },
    async close() {
      const p = pool;
      pool = null;
      slabs.close();
      if (p) await p.destroy();
    },
  };
}

/** A pool answer as the bytes to forward: the slab's first `inSlab` bytes, or what came back. */
function fromPool(answer: RewriteAnswer, slab: SharedArrayBuffer | undefined, slabs: SlabPool): PartsAnswer {
  let forward: ForwardBody;
  if (slab !== undefined && answer.inSlab !== undefined) {
    forward = new LeasedBody(Buffer.from(slab, 0, answer.inSlab), () => slabs.release(slab));
  } else {
    if (slab !== undefined) slabs.release(slab);
    const bytes = (answer.ok ? answer.body : null) ?? answer.source ?? new Uint8Array(0);
    forward = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (!answer.ok) return { ok: false, code: answer.code, message: answer.message, forward };
  return { ok: true, requested: answer.requested, model: answer.model, stream: answer.stream, forward };
}

/** Whether `bytes` is the whole of its ArrayBuffer (so moving that buffer moves nothing else). */
function owns(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}
