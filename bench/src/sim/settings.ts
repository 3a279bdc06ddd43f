/**
 * The scheduler and planner settings the bench compares, and how a trace plus a setting
 * becomes a `CoreConfig`. Strict serial is the baseline every other setting is read against.
 */
import type { CoreConfig, SchedulerConfig } from "@hotswap/core";
import type { Trace } from "./traces.ts";

export interface SchedulerSetting {
  readonly name: string;
  readonly scheduler: SchedulerConfig;
}

export type PlannerSetting = "groups" | "memory";

/** Baseline first: the table reads each fifo row against it. */
export const SCHEDULER_SETTINGS: readonly SchedulerSetting[] = [
  { name: "serial", scheduler: { kind: "serial" } },
  { name: "fifo", scheduler: { kind: "fifo", maxBypass: 0, maxWaitMs: 0 } },
  { name: "fifo bypass<=2", scheduler: { kind: "fifo", maxBypass: 2, maxWaitMs: 0 } },
  { name: "fifo bypass<=8", scheduler: { kind: "fifo", maxBypass: 8, maxWaitMs: 0 } },
  { name: "fifo wait<=30s", scheduler: { kind: "fifo", maxBypass: 0, maxWaitMs: 30_000 } },
];

export const PLANNER_SETTINGS: readonly PlannerSetting[] = ["groups", "memory"];

/** How a planner setting is labelled in the table. */
export function plannerLabel(planner: PlannerSetting, trace: Trace): string {
  return planner === "groups" ? "groups(default)" : `memory(${trace.deviceMiB / 1024}G)`;
}

/**
 * Pure. The core config for one trace under one setting.
 * - groups: no groups configured, so llama-swap's default group runs one model at a time;
 * - memory: one device of `trace.deviceMiB`, each model needing its `memoryMiB`.
 * No idle unloading (ttl 0), an unbounded queue, and requests over a model's concurrency
 * limit wait rather than being rejected, so every difference comes from the scheduler.
 */
export function buildConfig(trace: Trace, scheduler: SchedulerConfig, planner: PlannerSetting): CoreConfig {
  const memory = planner === "memory";
  return {
    models: trace.models.map((m) => ({
      id: m.id,
      concurrencyLimit: m.concurrencyLimit,
      ttlMs: 0,
      priority: 0,
      unloadTimeoutMs: 10_000,
      memory: memory ? { gpu0: m.memoryMiB } : {},
    })),
    planner: memory ? { kind: "memory" } : { kind: "groups", groups: [] },
    devices: memory ? { gpu0: trace.deviceMiB } : {},
    scheduler,
    globalTtlMs: 0,
    maxQueueLength: 0,
    onConcurrencyLimit: "queue",
  };
}
