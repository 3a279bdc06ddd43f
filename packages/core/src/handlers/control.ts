/**
 * Handlers for operator events: unload, preload, shutdown and config reload.
 */
import { editModel, putModel, removeModel } from "../draft.ts";
import type { EventOf } from "../events.ts";
import { stoppedModel } from "../initial-state.ts";
import { configuredModels, isResident } from "../models.ts";
import { drainModel, rejectQueued, type StepContext, setStopped, stopModel } from "../step-context.ts";
import { replanPendingSwaps } from "../swaps.ts";

/**
 * Queued requests for the models are rejected MODEL_UNLOADED. wait: drain, then stop;
 * no wait: stop now, cutting off in-flight requests (a forced stop).
 */
export function unloadRequested(ctx: StepContext, e: EventOf<"unloadRequested">): void {
  const { d } = ctx;
  const ids = e.models === "all" ? Object.keys(d.models) : e.models.filter((id) => d.models[id]);
  const unloading = new Set(ids);
  rejectQueued(
    ctx,
    (model) => unloading.has(model),
    "MODEL_UNLOADED",
    (model) => `${model} was unloaded`,
  );
  d.preloads = d.preloads.filter((id) => !unloading.has(id));
  for (const id of ids) {
    const m = d.models[id];
    if (!m) continue;
    if (m.phase === "failed") setStopped(ctx, id);
    else if (e.wait || m.phase === "pending") drainModel(ctx, id, "unload");
    else stopModel(ctx, id, "unload");
  }
}

/** Load the models as if requested, through the planner; unknown or loaded ones are skipped. */
export function preloadRequested(ctx: StepContext, e: EventOf<"preloadRequested">): void {
  const { d } = ctx;
  if (d.shuttingDown) return;
  for (const id of e.models) {
    const m = d.models[id];
    if (m && m.retired === null && !isResident(m) && !d.preloads.includes(id)) d.preloads.push(id);
  }
}

/** Reject all queued work and stop every model: once idle, or at once when forced. */
export function shutdownRequested(ctx: StepContext, e: EventOf<"shutdownRequested">): void {
  const { d } = ctx;
  d.shuttingDown = true;
  d.shutdownForce = d.shutdownForce || e.force;
  d.preloads = [];
  rejectQueued(
    ctx,
    () => true,
    "SHUTTING_DOWN",
    () => "the proxy is shutting down",
  );
  for (const id of Object.keys(d.models)) {
    const m = d.models[id];
    if (!m) continue;
    if (m.phase === "failed") setStopped(ctx, id);
    else if (m.phase === "starting" || (m.phase === "ready" && (e.force || m.inFlight === 0))) {
      stopModel(ctx, id, "shutdown");
    } else drainModel(ctx, id, "shutdown");
  }
}

/**
 * Removed models: queued requests rejected UNKNOWN_MODEL, drained and stopped, then
 * forgotten. Changed models: drained and stopped (reason reload); waiting requests start
 * the new version. New models arrive stopped. Pending swaps are planned again.
 */
export function configReplaced(ctx: StepContext, e: EventOf<"configReplaced">): void {
  const { d } = ctx;
  const old = d.config;
  d.config = e.config;
  const kept = new Set(e.config.models.map((m) => m.id));
  rejectQueued(
    ctx,
    (model) => !kept.has(model),
    "UNKNOWN_MODEL",
    (model) => `${model} was removed from the configuration`,
  );
  d.preloads = d.preloads.filter((id) => kept.has(id));
  for (const id of Object.keys(d.models)) {
    const m = d.models[id];
    if (!m || kept.has(id)) continue;
    const retired = m.retired ?? old.models.find((c) => c.id === id) ?? null;
    if (retired === null || !isResident(m)) {
      removeModel(ctx, id);
      continue;
    }
    const edited = editModel(ctx, id);
    if (edited) edited.retired = retired;
    drainModel(ctx, id, "reload");
  }
  for (const cfg of e.config.models) {
    const m = d.models[cfg.id];
    if (!m) putModel(ctx, stoppedModel(cfg));
    else if (m.retired !== null) {
      // Removed earlier and back now while the old process still drains: keep it, as changed.
      const edited = editModel(ctx, cfg.id);
      if (edited) edited.retired = null;
      drainModel(ctx, cfg.id, "reload");
    }
  }
  for (const id of e.changed) if (kept.has(id)) drainModel(ctx, id, "reload");
  reconcileResidents(ctx);
  replanPendingSwaps(ctx);
}

/**
 * The new planner may forbid what already runs together (a group became swap, a model grew).
 * Keep, in configuration order, each running model that still fits with those kept, and
 * drain the others (reason reload): they stop after their in-flight work.
 */
function reconcileResidents(ctx: StepContext): void {
  const kept: string[] = [];
  const running = configuredModels(ctx.d, (m) => m.phase === "starting" || m.phase === "ready");
  for (const m of running) {
    if (m.stopReason === "reload" || ctx.planner.allows([...kept, m.id])) {
      if (m.stopReason !== "reload") kept.push(m.id);
      continue;
    }
    if (!m.draining) drainModel(ctx, m.id, "reload");
    // Draining already (e.g. evicted): it leaves anyway, now because the reload forbids it.
    const edited = editModel(ctx, m.id);
    if (edited) edited.stopReason = "reload";
  }
}
