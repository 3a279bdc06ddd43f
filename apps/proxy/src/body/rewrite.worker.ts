/**
 * Thread entry for the piscina rewrite pool: decodes, rewrites and re-encodes one large
 * body, returning bytes. Kept thin; the logic is `rewrite.ts`, tested as a plain module.
 */
import { move, Piscina } from "piscina";
import { joinOwned } from "./join-parts.ts";
import { type RewriteTable, rewriteJsonText } from "./rewrite.ts";
import type { RewriteOutcome } from "./rewrite-outcome.ts";

export interface RewriteTask {
  /** The body's chunks in order (joined here, off the main thread). */
  readonly parts: readonly Uint8Array[];
  readonly table: RewriteTable;
  /**
   * `parts` were transferred (the sender's copies are detached): send the joined body back
   * as `source` with the outcome, transferred again, when the main thread still needs the
   * original bytes (the body is unchanged, or the rewrite failed and the answer falls back
   * to `?model=`).
   */
  readonly returnSource: boolean;
}

/** What a task answers: the outcome, plus the original bytes when `returnSource` was set. */
export type RewriteAnswer = RewriteOutcome & { readonly source?: Uint8Array };

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
const encoder = new TextEncoder();

/** Piscina calls this by name (`run(task, { name: "rewrite" })`). */
export function rewrite(task: RewriteTask): unknown {
  const bytes = task.parts.length === 1 ? (task.parts[0] as Uint8Array) : joinOwned(task.parts);
  const result = rewriteJsonText(decoder.decode(bytes), task.table);
  // Bytes, not a string: transferred back, so the main thread neither copies nor re-encodes.
  const body = result.ok && result.body !== null ? encoder.encode(result.body) : null;
  const outcome: RewriteOutcome = result.ok ? { ...result, body } : result;
  const buffers: ArrayBuffer[] = body === null ? [] : [body.buffer as ArrayBuffer];
  // A rewritten body replaces the original, so the original stays here: each body moved
  // into the main thread counts as new external memory there, and external memory is what
  // starts its full GCs while large bodies stream (bench:bodies).
  if (!task.returnSource || body !== null) return movable(outcome, buffers);
  buffers.push(bytes.buffer as ArrayBuffer);
  return movable({ ...outcome, source: bytes }, buffers);
}
