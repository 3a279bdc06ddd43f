/**
 * Questions about models that gate decisions (kept here so every decision asks them the
 * same way). Pure.
 */
import type { CoreModelConfig } from "./config.ts";
import { perConfig } from "./per-config.ts";
import type { ResidentView } from "./planner.ts";
import { queuedModels } from "./queue.ts";
import type { ModelState, State } from "./state.ts";

interface Indexed {
  readonly model: CoreModelConfig;
  readonly position: number;
}
/** Each model's config and position, by id (one index per config object). */
const configIndex = perConfig(
  (config): ReadonlyMap<string, Indexed> =>
    new Map(config.models.map((model, position) => [model.id, { model, position }])),
);

/** The model's config in the current configuration, or undefined when it is not configured. */
export function configuredModel(state: State, id: string): CoreModelConfig | undefined {
  return configIndex(state.config).get(id)?.model;
}

/**
 * Models of the current config (retired ones left out) that pass `keep`, in configuration
 * order. Scans the model states rather than the config so that the keyed lookups stay few
 * (enumerating the record is several times faster than a keyed lookup per configured id).
 */
export function configuredModels(state: State, keep: (m: ModelState) => boolean): ModelState[] {
  const index = configIndex(state.config);
  const out: ModelState[] = [];
  for (const m of Object.values(state.models)) if (m.retired === null && keep(m)) out.push(m);
  return out.sort((a, b) => (index.get(a.id)?.position ?? 0) - (index.get(b.id)?.position ?? 0));
}

/** The model's config: the current one, or the one a retired model still runs with. */
export function modelConfig(state: State, id: string): CoreModelConfig | undefined {
  return configuredModel(state, id) ?? state.models[id]?.retired ?? undefined;
}

/** Holds or is about to hold resources: pending, starting, ready or stopping. */
export function isResident(m: ModelState | undefined): boolean {
  return m !== undefined && m.phase !== "stopped" && m.phase !== "failed";
}

/** Has a process that holds resources now: starting, ready or stopping. */
export function isHolder(m: ModelState | undefined): boolean {
  return m !== undefined && (m.phase === "starting" || m.phase === "ready" || m.phase === "stopping");
}

/** Not resident, so a request for it needs a swap (a start). */
export function needsSwap(m: ModelState | undefined): boolean {
  return m !== undefined && m.retired === null && !isResident(m);
}

/** A request for `id` may be granted now: ready, not draining, below its concurrency limit. */
export function canGrant(state: State, id: string): boolean {
  const m = state.models[id];
  const cfg = modelConfig(state, id);
  return (
    m !== undefined &&
    cfg !== undefined &&
    m.phase === "ready" &&
    !m.draining &&
    m.retired === null &&
    m.inFlight < cfg.concurrencyLimit
  );
}

/**
 * Whether a request granted on `instance` of model `m` is counted in `m.inFlight` (tools
 * outside the core use this too: the planted-race wrapper, the core tests' driver).
 * A grant counts a request against the ready model's instance and stamps the record with
 * it; `setStopped` zeroes the count when that process is gone (phase stopped or failed)
 * while the record stays live, and the model is ready or stopping again only after a start,
 * which takes a new instance from `nextInstance` (never reused; a model a reload removed
 * and brings back is a new stopped model at instance 0). So the record counts exactly while
 * the model still runs the instance it was granted on and is ready or stopping.
 */
export function countsInFlight(m: ModelState | undefined, instance: number): boolean {
  return m !== undefined && instance === m.instance && (m.phase === "ready" || m.phase === "stopping");
}

/**
 * Evicting it now would cost work: requests in flight, a start under way, or (unless it is
 * draining, when they could not be served anyway) requests waiting for it.
 */
export function isBusy(state: State, id: string, queued: ReadonlySet<string> = queuedModels(state)): boolean {
  const m = state.models[id];
  if (!m) return false;
  if (m.inFlight > 0 || m.phase === "pending" || m.phase === "starting") return true;
  return !m.draining && queued.has(id);
}

/**
 * What the planner sees: resident models of the current config, except `target`.
 * `residents` may pass `configuredModels(state, isResident)` computed earlier, when no model
 * changed since (it saves a walk over every model per candidate in a swap pass).
 */
export function residentViews(
  state: State,
  target: string | null,
  queued: ReadonlySet<string> = queuedModels(state),
  residents: readonly ModelState[] = configuredModels(state, isResident),
): ResidentView[] {
  const views: ResidentView[] = [];
  for (const m of residents) {
    if (m.id === target) continue;
    if (m.phase === "stopped" || m.phase === "failed") continue;
    views.push({ id: m.id, phase: m.phase, busy: isBusy(state, m.id, queued), lastUsedAt: m.lastUsedAt });
  }
  return views;
}

/** Ids of models of the current config whose processes hold resources. */
export function holderIds(state: State): string[] {
  return configuredModels(state, isHolder).map((m) => m.id);
}
