/**
 * Thread entry for the piscina rewrite pool: decodes and rewrites one large body, and writes
 * the bytes to forward into a slab (or sends them back). Kept thin; the logic is
 * `rewrite.ts`, tested as a plain module.
 */
import { isAscii } from "node:buffer";
import { move, Piscina } from "piscina";
import { joinOwned, ReusedJoin } from "./join-parts.ts";
import { joinPieces, type Piece, planRewrite, type RewriteTable } from "./rewrite.ts";
import type { RewriteOutcome } from "./rewrite-outcome.ts";
import { lowerThreadPriority } from "./thread-priority.ts";

// This thread parses multi-MB JSON for seconds at a time. On a small machine it competes for
// a core with the HTTP thread, and every small request then waits for the scheduler; a
// lower priority lets the HTTP thread run first (bench:bodies).
lowerThreadPriority();

export interface RewriteTask {
  /** The body's chunks in order (joined here, off the main thread). */
  readonly parts: readonly Uint8Array[];
  readonly table: RewriteTable;
  /**
   * `parts` were transferred (the sender's copies are detached): send the original back
   * when the main thread still needs it (the body is unchanged, or the rewrite failed and
   * the answer falls back to `?model=`).
   */
  readonly returnSource: boolean;
  /**
   * A slab (slab-pool.ts) to write the bytes to forward into (rewritten or, with
   * `returnSource`, the original) instead of sending them back: see `RewriteAnswer.inSlab`.
   */
  readonly slab?: SharedArrayBuffer;
}

/**
 * What a task answers: the outcome, and where the bytes to forward are. With `inSlab` they
 * are the slab's first `inSlab` bytes (then `body` is null and there is no `source`);
 * otherwise a rewritten `body`, or the original as `source` when `returnSource` was set.
 */
export type RewriteAnswer = RewriteOutcome & {
  readonly source?: Uint8Array;
  readonly inSlab?: number;
};

/** Wraps an answer so piscina transfers its buffers instead of cloning them. */
function movable(answer: RewriteAnswer, buffers: ArrayBuffer[]): unknown {
  return move({
    get [Piscina.transferableSymbol]() {
      return buffers;
    },
    get [Piscina.valueSymbol]() {
      return answer;
    },
  } as never);
}

const decoder = new TextDecoder();
// Bodies up to 64 MiB that go into a slab are joined into one reused buffer (join-parts.ts).
const joins = new ReusedJoin(64 * 1024 * 1024);
const encoder = new TextEncoder();

/**
 * Writes the bytes to forward into `slab`: the original when `pieces` is null, else the
 * pieces, spans copied from the original bytes when the text is ASCII (offsets are then the
 * same in both). The length written, or -1 when they do not fit.
 */
function intoSlab(
  slab: SharedArrayBuffer,
  pieces: readonly Piece[] | null,
  text: string,
  original: Uint8Array,
  ascii: boolean,
): number {
  const out = new Uint8Array(slab);
  if (pieces === null) {
    if (original.byteLength > out.byteLength) return -1;
    out.set(original);
    return original.byteLength;
  }
  let at = 0;
  for (const piece of pieces) {
    if (typeof piece !== "string" && ascii) {
      const [start, end] = piece;
      if (at + end - start > out.byteLength) return -1;
      out.set(original.subarray(start, end), at);
      at += end - start;
      continue;
    }
    const part = typeof piece === "string" ? piece : text.slice(piece[0], piece[1]);
    const { read, written } = encoder.encodeInto(part, out.subarray(at));
    if (read !== part.length) return -1;
    at += written;
  }
  return at;
}

/** The body as text: ASCII (the usual JSON, base64 images included) is decoded by a copy. */
function decode(bytes: Uint8Array, ascii: boolean): string {
  return ascii
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1")
    : decoder.decode(bytes);
}

/** Piscina calls this by name (`run(task, { name: "rewrite" })`). */
export function rewrite(task: RewriteTask): unknown {
  // Joined into the reused buffer only when the bytes will be copied into a slab; they are
  // copied out again below in the one case that sends them back.
  const reused = task.slab !== undefined && task.parts.length > 1 ? joins.join(task.parts) : null;
  const bytes = reused ?? (task.parts.length === 1 ? (task.parts[0] as Uint8Array) : joinOwned(task.parts));
  const ascii = isAscii(bytes);
  const text = decode(bytes, ascii);
  const plan = planRewrite(text, task.table);
  // The outcome without its pieces; `body` is filled in below.
  const meta = plan.ok
    ? { ok: true as const, requested: plan.requested, model: plan.model, stream: plan.stream }
    : plan;
  if (task.slab !== undefined && (plan.ok || task.returnSource)) {
    const written = intoSlab(task.slab, plan.ok ? plan.pieces : null, text, bytes, ascii);
    if (written >= 0)
      return meta.ok ? { ...meta, body: null, inSlab: written } : { ...meta, inSlab: written };
  }
  // Bytes, not a string: transferred back, so the main thread neither copies nor re-encodes.
  const body = plan.ok && plan.pieces !== null ? encoder.encode(joinPieces(text, plan.pieces)) : null;
  const outcome: RewriteOutcome = meta.ok ? { ...meta, body } : meta;
  const buffers: ArrayBuffer[] = body === null ? [] : [body.buffer as ArrayBuffer];
  // A rewritten body replaces the original, so the original stays here: each body moved
  // into the main thread counts as new external memory there (see slab-pool.ts).
  if (!task.returnSource || body !== null) return movable(outcome, buffers);
  const source = reused === null ? bytes : reused.slice();
  buffers.push(source.buffer as ArrayBuffer);
  return movable({ ...outcome, source }, buffers);
}
