/**
 * Handlers for events about processes. An event whose `instance` is not the model's latest
 * start is stale (about an older process) and ignored, as is one for a model that has no
 * process in the phase the event implies.
 */
import { editModel } from "../draft.ts";
import type { EventOf } from "../events.ts";
import type { ModelState } from "../state.ts";
import { rejectQueued, type StepContext, setStopped } from "../step-context.ts";

type ProcessEvent = EventOf<"processReady" | "processStartFailed" | "processExited" | "processStopped">;

/** The model the event is about, when the event is current; undefined when stale. */
function current(ctx: StepContext, e: ProcessEvent): ModelState | undefined {
  const m = ctx.d.models[e.model];
  if (!m || m.instance !== e.instance) return undefined;
  return m.phase === "starting" || m.phase === "ready" || m.phase === "stopping" ? m : undefined;
}

export function processReady(ctx: StepContext, e: EventOf<"processReady">): void {
  if (current(ctx, e)?.phase !== "starting") return;
  const m = editModel(ctx, e.model);
  if (!m) return;
  m.phase = "ready";
  m.evictees = [];
  m.lastUsedAt = ctx.d.now;
}

/**
 * The process is gone, whichever event said so:
 * - while starting: the start failed; requests waiting for the model are rejected START_FAILED
 *   and the model is failed (a later request retries);
 * - while ready: a crash; the model is stopped, its in-flight requests stay live for the app to
 *   finish, and queued requests bring it back through the scheduler;
 * - while stopping: the stop is complete.
 */
export function processGone(
  ctx: StepContext,
  e: EventOf<"processStartFailed" | "processExited" | "processStopped">,
): void {
  const m = current(ctx, e);
  if (!m) return;
  if (m.phase === "starting") {
    const message = "message" in e ? e.message : "the process stopped while starting";
    setStopped(ctx, e.model, "failed");
    rejectQueued(
      ctx,
      (model) => model === e.model,
      "START_FAILED",
      () => `${e.model} failed to start: ${message}`,
    );
    return;
  }
  setStopped(ctx, e.model);
}
