/**
 * The working copy a single `step` edits, copy-on-write: `draftOf` copies the queue array
 * and the preloads; the models record, the granted table's index and each bucket are copied
 * on their first change, and a model or request object the first time the step edits it
 * (`fresh` holds what this step created, which may be written in place; the granted table
 * and its buckets are this step's own when they are not the input's, see `baseGranted`).
 * All writes go through the helpers here; the draft's records are typed readonly so a
 * direct write does not compile. Objects the caller's state holds are never written, so
 * `step` never mutates its input, and a step costs in proportion to what it changes, not
 * to the whole state (see granted.ts for why the granted table is sharded).
 */
import type { CoreConfig } from "./config.ts";
import { grantedBucket } from "./granted.ts";
import { copyModel, copyRequest } from "./record-copies.ts";
import type { GrantedTable, ModelState, RequestRecord, State } from "./state.ts";

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A model made writable; `evictees` is replaced, never written. */
export type ModelDraft = Writable<ModelState>;

export type RequestDraft = Writable<RequestRecord>;

export type Draft = Omit<Writable<State>, "models" | "granted" | "queue" | "preloads"> & {
  config: CoreConfig;
  models: Readonly<Record<string, ModelState>>;
  granted: GrantedTable;
  /** Entries are replaced, never written, unless created by this step (`editQueued`). */
  queue: RequestRecord[];
  preloads: string[];
};

/**
 * A per-step cache of the models queued requests wait for. `edits` counts changes to which
 * requests are queued (every such change goes through the queue helpers below); the cache
 * is also keyed by the queue array and its length, as a second guard.
 */
export interface QueueMemo {
  edits: number;
  models: ReadonlySet<string> | null;
  key: { readonly edits: number; readonly queue: readonly RequestRecord[]; readonly length: number } | null;
}

/** A draft plus the objects this step created, which may be written in place. */
export interface DraftSession {
  readonly d: Draft;
  /**
   * What this step created (see `isFresh` / `markFresh`): null until the first, a short list,
   * then a Set once the list is long. A step of a busy proxy (a grant, a delivery, a finish)
   * creates a handful of objects, and a Set per step measured as the single costliest thing
   * a step did (allocating it, and giving each added object its identity hash); a scan of a
   * few pointers is cheaper. Bulk steps (a ready model granting hundreds) switch to the Set.
   */
  fresh: object[] | Set<object> | null;
  readonly queueMemo: QueueMemo;
  /**
   * The input state's granted table. Only `ownBucket` replaces the table or a bucket, always
   * with a copy made in this step, so the draft's table (or bucket b) is this step's own
   * exactly when it is not the input's: an identity check, cheaper than asking `fresh`.
   */
  readonly baseGranted: GrantedTable;
}

/**
 * Pure. A draft of `state` (arrays copied, records shared until changed). Field by field,
 * not a spread, as in record-copies.ts (a field added to State fails to compile here).
 */
export function draftOf(state: State): Draft {
  return {
    config: state.config,
    now: state.now,
    models: state.models,
    queue: state.queue.slice(),
    granted: state.granted,
    preloads: state.preloads.slice(),
    nextInstance: state.nextInstance,
    nextSeq: state.nextSeq,
    shuttingDown: state.shuttingDown,
    shutdownForce: state.shutdownForce,
    shutdownDone: state.shutdownDone,
    wakeAt: state.wakeAt,
  };
}

/** A fresh queue memo for one step. */
export function emptyQueueMemo(): QueueMemo {
  return { edits: 0, models: null, key: null };
}

/** Past this many fresh objects a step tracks them in a Set (a scan would cost more). */
const FRESH_LIST_MAX = 16;

/** Whether this step created `o` (so it may be written in place). */
export function isFresh(s: DraftSession, o: object): boolean {
  const fresh = s.fresh;
  if (fresh === null) return false;
  return Array.isArray(fresh) ? fresh.includes(o) : fresh.has(o);
}

/** Record that this step created `o`. */
export function markFresh(s: DraftSession, o: object): void {
  const fresh = s.fresh;
  if (fresh === null) s.fresh = [o];
  else if (!Array.isArray(fresh)) fresh.add(o);
  else if (fresh.length < FRESH_LIST_MAX) fresh.push(o);
  else s.fresh = new Set([...fresh, o]);
}

const NO_MODELS: ReadonlySet<string> = new Set();

/** The models queued requests wait for (cached until the queue changes). Do not modify. */
export function queuedModelSet(s: DraftSession): ReadonlySet<string> {
  const queue = s.d.queue;
  // The usual state of a proxy keeping up: nothing waits, and nothing to build or cache.
  if (queue.length === 0) return NO_MODELS;
  const memo = s.queueMemo;
  const key = memo.key;
  if (memo.models && key?.edits === memo.edits && key.queue === queue && key.length === queue.length) {
    return memo.models;
  }
  const models = new Set<string>();
  for (const r of queue) models.add(r.model);
  memo.models = models;
  memo.key = { edits: memo.edits, queue, length: queue.length };
  return models;
}

/** Append a request to the queue (created by this step). */
export function enqueue(s: DraftSession, record: RequestRecord): void {
  markFresh(s, record);
  s.queueMemo.edits += 1;
  s.d.queue.push(record);
}

/** Remove and return the queued request at `index`. */
export function dequeueAt(s: DraftSession, index: number): RequestRecord | undefined {
  s.queueMemo.edits += 1;
  return s.d.queue.splice(index, 1)[0];
}

/** Replace the queue (e.g. with the requests a bulk rejection kept). */
export function replaceQueue(s: DraftSession, queue: RequestRecord[]): void {
  s.queueMemo.edits += 1;
  s.d.queue = queue;
}

/** A record copied on the first change in this step. */
function own<T extends object>(s: DraftSession, record: Readonly<Record<string, T>>): Record<string, T> {
  if (isFresh(s, record)) return record as Record<string, T>;
  const copy = { ...record };
  markFresh(s, copy);
  return copy;
}

/** Add or replace a model entry (the object is created by this step and may be edited). */
export function putModel(s: DraftSession, model: ModelState): void {
  markFresh(s, model);
  s.d.models = own(s, s.d.models);
  (s.d.models as Record<string, ModelState>)[model.id] = model;
}

export function removeModel(s: DraftSession, id: string): void {
  if (!s.d.models[id]) return;
  s.d.models = own(s, s.d.models);
  delete (s.d.models as Record<string, ModelState>)[id];
}

/** The model, made writable for this step (copied on its first edit); undefined if unknown. */
export function editModel(s: DraftSession, id: string): ModelDraft | undefined {
  const m = s.d.models[id];
  if (!m) return undefined;
  if (isFresh(s, m)) return m as ModelDraft;
  const copy = copyModel(m);
  putModel(s, copy);
  return copy;
}

/** The granted table's bucket `b`, copied for this step (with the index, on its first change). */
function ownBucket(s: DraftSession, b: number): RequestRecord[] {
  let table = s.d.granted as (readonly RequestRecord[])[];
  const base = s.baseGranted;
  if (table === base) {
    // A packed array of GRANTED_BUCKETS entries: `slice` is a block copy.
    table = table.slice();
    s.d.granted = table;
  }
  const existing = table[b] ?? [];
  if (existing !== base[b]) return existing as RequestRecord[];
  const bucket = existing.slice();
  table[b] = bucket;
  return bucket;
}

/** Add or replace a granted record (created by this step, so it may be edited in place). */
export function putGranted(s: DraftSession, record: RequestRecord): void {
  markFresh(s, record);
  const bucket = ownBucket(s, grantedBucket(record.id));
  const at = bucket.findIndex((r) => r.id === record.id);
  if (at >= 0) bucket[at] = record;
  else bucket.push(record);
}

/** Remove a granted record by id; returns it, or undefined when it was not granted. */
export function removeGranted(s: DraftSession, id: string): RequestRecord | undefined {
  const b = grantedBucket(id);
  const at = s.d.granted[b]?.findIndex((r) => r.id === id) ?? -1;
  if (at < 0) return undefined;
  // The copy holds the same records in the same order, so `at` still holds; an emptied
  // bucket stays as `[]` (the table's length is fixed).
  return ownBucket(s, b).splice(at, 1)[0];
}

/** The granted record, made writable for this step; undefined if not granted. */
export function editGranted(s: DraftSession, id: string): RequestDraft | undefined {
  const b = grantedBucket(id);
  const at = s.d.granted[b]?.findIndex((g) => g.id === id) ?? -1;
  const r = s.d.granted[b]?.[at];
  if (!r) return undefined;
  if (isFresh(s, r)) return r as RequestDraft;
  // Hashed and found once: the copy goes straight to the same place in the owned bucket.
  const copy = copyRequest(r);
  markFresh(s, copy);
  ownBucket(s, b)[at] = copy;
  return copy;
}

/** The queued record at `index`, made writable for this step; undefined if out of range. */
export function editQueued(s: DraftSession, index: number): RequestDraft | undefined {
  const r = s.d.queue[index];
  if (!r) return undefined;
  if (isFresh(s, r)) return r as RequestDraft;
  const copy = copyRequest(r);
  markFresh(s, copy);
  s.d.queue[index] = copy;
  return copy;
}

/** Remove a queued request by id; returns it, or undefined when it was not queued. */
export function removeQueued(s: DraftSession, id: string): RequestRecord | undefined {
  const at = s.d.queue.findIndex((r) => r.id === id);
  if (at < 0) return undefined;
  return dequeueAt(s, at);
}
