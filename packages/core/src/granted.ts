/**
 * The table of granted requests, sharded: `state.granted` is an array of GRANTED_BUCKETS
 * buckets, and `state.granted[b]` is an array of the records whose id hashes to `b` (see
 * `grantedBucket`); an empty bucket is `[]`, never a hole. A grant or finish then copies the
 * bucket index and one short bucket (about in-flight / GRANTED_BUCKETS records), not every
 * granted record, so the per-request steps stay cheap however many requests are in flight.
 * Both levels are arrays of fixed shape: copying the index is a block copy of a packed array
 * (`slice`), where a record keyed by bucket name whose empty buckets came and went dropped
 * into V8's dictionary mode and made each copy a slow hash-table rebuild. Buckets are arrays
 * rather than records keyed by id for the same reason (ever-new keys cost a hidden class per
 * copy). Still plain data. Pure; nothing here writes.
 */
import type { GrantedTable, RequestRecord, State } from "./state.ts";

/** How many buckets ids spread over: enough that 1,000s in flight keep buckets small. */
export const GRANTED_BUCKETS = 64;

/** The bucket index of a request id: FNV-1a of its UTF-16 code units, modulo the bucket count. */
export function grantedBucket(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % GRANTED_BUCKETS;
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
  for (const bucket of table) out.push(...bucket);
  return out;
}

/** Whether any request is granted. */
export function anyGranted(state: State): boolean {
  for (const bucket of state.granted) if (bucket.length > 0) return true;
  return false;
}

/** A table holding exactly `records` (`grantedTable([])` is the empty table). */
export function grantedTable(records: readonly RequestRecord[]): GrantedTable {
  // Built by push, so the index is a packed array (copied by `slice` as a block).
  const table: RequestRecord[][] = [];
  for (let b = 0; b < GRANTED_BUCKETS; b++) table.push([]);
  for (const r of records) table[grantedBucket(r.id)]?.push(r);
  return table;
}
