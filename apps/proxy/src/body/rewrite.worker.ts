/**
 * Thread entry for the piscina rewrite pool: decodes, rewrites and re-encodes one large
 * body, returning bytes. Kept thin; the logic is `rewrite.ts`, tested as a plain module.
 */
import { move, Piscina } from "piscina";
import { type RewriteTable, rewriteJsonText } from "./rewrite.ts";
import type { RewriteOutcome } from "./rewrite-outcome.ts";

export interface RewriteTask {
  /** The body, or its chunks in order (joined here, off the main thread). */
  readonly bytes: Uint8Array | readonly Uint8Array[];
  readonly table: RewriteTable;
  /**
   * `bytes` was transferred (the sender's copy is detached): send it back as `source` with
   * the outcome, transferred again, when the main thread still needs the original bytes
   * (the body is unchanged, or the rewrite failed and the answer falls back to `?model=`).
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
  const bytes = Array.isArray(task.bytes) ? join(task.bytes) : (task.bytes as Uint8Array);
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

/** The chunks in one array of its own (so it can be moved back whole). */
function join(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
