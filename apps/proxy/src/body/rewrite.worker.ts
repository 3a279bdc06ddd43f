/**
 * Thread entry for the piscina rewrite pool: decodes, rewrites and re-encodes one large
 * body, returning bytes. Kept thin; the logic is `rewrite.ts`, tested as a plain module.
 */
import { type RewriteTable, rewriteJsonText } from "./rewrite.ts";
import type { RewriteOutcome } from "./rewrite-outcome.ts";

export interface RewriteTask {
  readonly bytes: Uint8Array;
  readonly table: RewriteTable;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Piscina calls this by name (`run(task, { name: "rewrite" })`). */
export function rewrite(task: RewriteTask): RewriteOutcome {
  const result = rewriteJsonText(decoder.decode(task.bytes), task.table);
  if (!result.ok) return result;
  if (result.body === null) return { ...result, body: null };
  // Bytes, not a string: the copy back is a memcpy and the main thread skips re-encoding.
  return { ...result, body: encoder.encode(result.body) };
}
