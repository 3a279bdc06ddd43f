/** Terse event and effect constructors for hand-written scenarios (time defaults to 0). */
import type { Effect, Event, RejectCode, StopReason } from "@hotswap/core";

export const ev = {
  arrived: (id: string, model: string, at = 0, priority?: number): Event =>
    priority === undefined
      ? { type: "requestArrived", id, model, at }
      : { type: "requestArrived", id, model, at, priority },
  cancelled: (id: string, at = 0): Event => ({ type: "requestCancelled", id, at }),
  delivered: (id: string, at = 0): Event => ({ type: "grantDelivered", id, at }),
  finished: (id: string, at = 0): Event => ({ type: "serveFinished", id, at }),
  ready: (model: string, instance: number, at = 0): Event => ({ type: "processReady", model, instance, at }),
  failed: (model: string, instance: number, at = 0): Event => ({
    type: "processStartFailed",
    model,
    instance,
    at,
    message: "failed",
  }),
  exited: (model: string, instance: number, at = 0): Event => ({
    type: "processExited",
    model,
    instance,
    at,
    message: "crashed",
  }),
  stopped: (model: string, instance: number, at = 0): Event => ({
    type: "processStopped",
    model,
    instance,
    at,
  }),
  unload: (models: readonly string[] | "all", wait: boolean, at = 0): Event => ({
    type: "unloadRequested",
    models,
    wait,
    at,
  }),
  preload: (models: readonly string[], at = 0): Event => ({ type: "preloadRequested", models, at }),
  tick: (at: number): Event => ({ type: "tick", at }),
  shutdown: (force: boolean, at = 0): Event => ({ type: "shutdownRequested", force, at }),
};

export const fx = {
  start: (model: string, instance: number): Effect => ({ type: "startProcess", model, instance }),
  stop: (model: string, instance: number, reason: StopReason = "evict"): Effect => ({
    type: "stopProcess",
    model,
    instance,
    timeoutMs: 1000,
    reason,
  }),
  grant: (requestId: string, model: string, instance: number): Effect => ({
    type: "grant",
    requestId,
    model,
    instance,
  }),
  reject: (requestId: string, code: RejectCode): Effect => ({
    type: "reject",
    requestId,
    error: { code, message: code },
  }),
};
