/** Small builders for hand-written scenario and regression configs. */
import type { CoreConfig, CoreModelConfig } from "@hotswap/core";

/** A model with plain defaults: limit 1, no ttl, priority 0, no memory needs. */
export function model(id: string, overrides: Partial<CoreModelConfig> = {}): CoreModelConfig {
  return { id, concurrencyLimit: 1, ttlMs: 0, priority: 0, unloadTimeoutMs: 1000, memory: {}, ...overrides };
}

/**
 * A config over `models` with llama-swap's default behaviour (groups planner, no groups, so
 * one model at a time), fifo without a starvation bound, unbounded queue, queue at the limit.
 */
export function config(models: readonly CoreModelConfig[], overrides: Partial<CoreConfig> = {}): CoreConfig {
  return {
    models,
    planner: { kind: "groups", groups: [] },
    devices: {},
    scheduler: { kind: "fifo", maxBypass: 0, maxWaitMs: 0 },
    globalTtlMs: 0,
    maxQueueLength: 0,
    onConcurrencyLimit: "queue",
    ...overrides,
  };
}
