/**
 * What a step carries while it runs (the draft, the policies, the effects so far) and the
 * small actions every handler shares. Each action changes the draft and records the matching
 * effect together, so a decision and its bookkeeping can never be split.
 */
import { type DraftSession, editModel, removeModel, removeQueued, replaceQueue } from "./draft.ts";
import type { Effect, StopReason } from "./effects.ts";
import type { RejectCode } from "./errors.ts";
import { modelConfig } from "./models.ts";
import type { Planner } from "./planner.ts";
import type { Scheduler } from "./schedulers/scheduler.ts";

export interface StepContext extends DraftSession {
  readonly planner: Planner;
  readonly scheduler: Scheduler;
  readonly effects: Effect[];
}

/** Answer a queued request with an error and forget it. */
export function reject(ctx: StepContext, requestId: string, code: RejectCode, message: string): void {
  removeQueued(ctx, requestId);
  ctx.effects.push({ type: "reject", requestId, error: { code, message } });
}

/** Reject every queued request whose model `matches`, in arrival order. */
export function rejectQueued(
  ctx: StepContext,
  matches: (model: string) => boolean,
  code: RejectCode,
  message: (model: string) => string,
): void {
  const { d } = ctx;
  // One pass over the queue: rejecting one by one would splice it once per request.
  const kept: typeof d.queue = [];
  for (const r of d.queue) {
    if (!matches(r.model)) {
      kept.push(r);
      continue;
    }
    ctx.effects.push({ type: "reject", requestId: r.id, error: { code, message: message(r.model) } });
  }
  replaceQueue(ctx, kept);
}

/**
 * Issue stopProcess for a starting or ready model. A stop with requests in flight is
 * recorded as forced (only unload without wait and forced shutdown do that).
 */
export function stopModel(ctx: StepContext, id: string, reason: StopReason): void {
  const current = ctx.d.models[id];
  if (current?.phase !== "starting" && current?.phase !== "ready") return;
  const m = editModel(ctx, id);
  if (!m) return;
  m.phase = "stopping";
  m.stopReason = reason;
  m.forcedStop = m.inFlight > 0;
  m.draining = false;
  m.evictees = [];
  const timeoutMs = modelConfig(ctx.d, id)?.unloadTimeoutMs ?? 0;
  ctx.effects.push({ type: "stopProcess", model: id, instance: m.instance, timeoutMs, reason });
}

/**
 * The model has no process (it stopped, crashed, or was only pending). In-flight requests
 * stay live for the app to finish; a retired model leaves the state.
 */
export function setStopped(ctx: StepContext, id: string, phase: "stopped" | "failed" = "stopped"): void {
  const current = ctx.d.models[id];
  if (!current) return;
  if (current.retired !== null) {
    removeModel(ctx, id);
    return;
  }
  const m = editModel(ctx, id);
  if (!m) return;
  m.phase = phase;
  m.inFlight = 0;
  m.draining = false;
  m.stopReason = null;
  m.forcedStop = false;
  m.evictees = [];
}

/**
 * Stop the model once nothing is in flight (no new grants meanwhile). A pending model has
 * no process yet, so it simply returns to stopped.
 */
export function drainModel(ctx: StepContext, id: string, reason: StopReason): void {
  const phase = ctx.d.models[id]?.phase;
  if (phase === "pending") {
    setStopped(ctx, id);
  } else if (phase === "starting" || phase === "ready") {
    // Already draining: the first reason stands (a reload-forbidden model stays "reload").
    if (ctx.d.models[id]?.draining) return;
    const m = editModel(ctx, id);
    if (!m) return;
    m.draining = true;
    m.stopReason = reason;
  }
}
