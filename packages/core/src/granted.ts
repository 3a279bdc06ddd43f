/**
 * The table of granted requests, sharded: `state.granted[bucket]` is an array of the records
 * whose id hashes to `bucket` (see `grantedBucket`). A grant or finish then copies the bucket
 * index and one short bucket (about in-flight / GRANTED_BUCKETS records), not every granted
 * record, so the per-request steps stay cheap however many requests are in flight. Buckets
 * are arrays rather than records keyed by id: copying an object with ever-new keys costs
 * V8 a new hidden class per copy, an array copy is a block copy. Still plain data. Empty
 * buckets are removed, so no requests in flight is `{}`. Pure; nothing here writes.
 */
import type { GrantedTable, RequestRecord, State } from "./state.ts";

/** How many buckets ids spread over: enough that 1,000s in flight keep buckets small. */
export const GRANTED_BUCKETS = 64;

/** The bucket key of a request id: FNV-1a of its UTF-16 code units, modulo the bucket count. */
export function grantedBucket(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return String((h >>> 0) % GRANTED_BUCKETS);
}

/** The granted request with this id, or undefined. */
export function grantedRecord(state: State, id: string): RequestRecord | undefined {
  const bucket = state.granted[grantedBucket(id)];
  if (!bucket) return undefined;
  for (const r of bucket) if (r.id === id) return r;
  return undefined;
}

/** Every granted request, bucket by bucket. */
export function grantedRecords(table: GrantedTable): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (const bucket of Object.values(table)) out.push(...bucket);
  return out;
}

/** Whether any request is granted. */
export function anyGranted(state: State): boolean {
  for (const bucket of Object.values(state.granted)) if (bucket.length > 0) return true;
  return false;
}

/** A table holding exactly `records` (for hand-built states in tests and tools). */
export function grantedTable(records: readonly RequestRecord[]): GrantedTable {
  const table: Record<string, RequestRecord[]> = {};
  for (const r of records) {
    const key = grantedBucket(r.id);
    table[key] ??= [];
    table[key].push(r);
  }
  return table;
}
