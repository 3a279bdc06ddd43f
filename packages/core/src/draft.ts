/**
 * The working copy a single `step` edits, copy-on-write: `toDraft` copies the queue array
 * and the preloads; the models and granted records are copied on their first change, and a
 * model or request object the first time the step edits it. All writes go through the
 * helpers here; the draft's records are typed readonly so a direct write does not compile.
 * Objects the caller's state holds are never written, so `step` never mutates its input,
 * and a step costs in proportion to what it changes, not to the whole state.
 */
import type { CoreConfig } from "./config.ts";
import type { ModelState, RequestRecord, State } from "./state.ts";

type Writable<T> = { -readonly [K in keyof T]: T[K] };

export type ModelDraft = Omit<Writable<ModelState>, "inFlight" | "evictees"> & {
  inFlight: string[];
  evictees: string[];
};

export type RequestDraft = Writable<RequestRecord>;

export type Draft = Omit<Writable<State>, "models" | "granted" | "queue" | "preloads"> & {
  config: CoreConfig;
  models: Readonly<Record<string, ModelState>>;
  granted: Readonly<Record<string, RequestRecord>>;
  /** Entries are replaced, never written, unless created by this step (`editQueued`). */
  queue: RequestRecord[];
  preloads: string[];
};

/** A draft plus the objects this step created, which may be written in place. */
export interface DraftSession {
  readonly d: Draft;
  readonly fresh: WeakSet<object>;
}

/** Pure. A draft of `state` (arrays copied, records shared until changed). */
export function toDraft(state: State): DraftSession {
  const d: Draft = { ...state, queue: [...state.queue], preloads: [...state.preloads] };
  return { d, fresh: new WeakSet() };
}

/** A record copied on the first change in this step. */
function own<T extends object>(s: DraftSession, record: Readonly<Record<string, T>>): Record<string, T> {
  if (s.fresh.has(record)) return record as Record<string, T>;
  const copy = { ...record };
  s.fresh.add(copy);
  return copy;
}

/** Add or replace a model entry (the object is created by this step and may be edited). */
export function putModel(s: DraftSession, model: ModelState): void {
  s.fresh.add(model);
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
  if (s.fresh.has(m)) return m as ModelDraft;
  const copy: ModelDraft = { ...m, inFlight: [...m.inFlight], evictees: [...m.evictees] };
  putModel(s, copy);
  return copy;
}

/** Add or replace a granted record (created by this step, so it may be edited in place). */
export function putGranted(s: DraftSession, record: RequestRecord): void {
  s.fresh.add(record);
  s.d.granted = own(s, s.d.granted);
  (s.d.granted as Record<string, RequestRecord>)[record.id] = record;
}

export function removeGranted(s: DraftSession, id: string): void {
  if (!s.d.granted[id]) return;
  s.d.granted = own(s, s.d.granted);
  delete (s.d.granted as Record<string, RequestRecord>)[id];
}

/** The granted record, made writable for this step; undefined if not granted. */
export function editGranted(s: DraftSession, id: string): RequestDraft | undefined {
  const r = s.d.granted[id];
  if (!r) return undefined;
  if (s.fresh.has(r)) return r as RequestDraft;
  const copy: RequestDraft = { ...r };
  putGranted(s, copy);
  return copy;
}

/** The queued record at `index`, made writable for this step; undefined if out of range. */
export function editQueued(s: DraftSession, index: number): RequestDraft | undefined {
  const r = s.d.queue[index];
  if (!r) return undefined;
  if (s.fresh.has(r)) return r as RequestDraft;
  const copy: RequestDraft = { ...r };
  s.fresh.add(copy);
  s.d.queue[index] = copy;
  return copy;
}

/** Remove a queued request by id; returns it, or undefined when it was not queued. */
export function removeQueued(s: DraftSession, id: string): RequestRecord | undefined {
  const at = s.d.queue.findIndex((r) => r.id === id);
  if (at < 0) return undefined;
  return s.d.queue.splice(at, 1)[0];
}
