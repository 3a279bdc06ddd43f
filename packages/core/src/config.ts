/**
 * The core's view of configuration: plain data, already validated and resolved by
 * `@hotswap/config` (or built by hand in tests). Durations are milliseconds, memory
 * amounts are in any unit as long as models and devices agree (MiB by convention).
 */

/** One model as the scheduler sees it. */
export interface CoreModelConfig {
  readonly id: string;
  /** Most requests served at once by this model; further ones wait or are rejected. >= 1. */
  readonly concurrencyLimit: number;
  /** Idle time before the model is unloaded; 0 = use `CoreConfig.globalTtlMs`. */
  readonly ttlMs: number;
  /** Higher is served first by the fifo scheduler. 0 by default. */
  readonly priority: number;
  /** Grace period carried in `stopProcess` before the app kills the process group. */
  readonly unloadTimeoutMs: number;
  /** What the model needs on each device, e.g. `{ gpu0: 8192 }`. Empty when unknown. */
  readonly memory: Readonly<Record<string, number>>;
}

/** A llama-swap group. Models in no group belong to an implicit default group. */
export interface GroupConfig {
  readonly id: string;
  /** true: only one member runs at a time. */
  readonly swap: boolean;
  /** true: running a member unloads every other (non-persistent) group. */
  readonly exclusive: boolean;
  /** true: other groups can never unload this group's members. */
  readonly persistent: boolean;
  readonly members: readonly string[];
}

/** A named matrix set: `expr` uses the set DSL (`&`, `|`, parentheses, `+ref`, vars). */
export interface MatrixSetConfig {
  readonly name: string;
  readonly expr: string;
}

/**
 * Which planner decides evictions.
 * - groups: llama-swap's groups (`swap`, `exclusive`, `persistent`) plus the default group.
 * - matrix: llama-swap's swap matrix (sets in definition order, `evict_costs`, `vars`).
 * - memory: only the device budgets constrain what runs together.
 * - serial: exactly one model resident at a time, whatever else is configured.
 * Device budgets (`CoreConfig.devices`) apply on top of groups and matrix too.
 */
export type PlannerConfig =
  | { readonly kind: "groups"; readonly groups: readonly GroupConfig[] }
  | {
      readonly kind: "matrix";
      readonly vars: Readonly<Record<string, string>>;
      readonly sets: readonly MatrixSetConfig[];
      readonly evictCosts: Readonly<Record<string, number>>;
    }
  | { readonly kind: "memory" }
  | { readonly kind: "serial" };

/**
 * Which scheduler orders queued requests.
 * - fifo: priority, then arrival; collation; starvation bound (`maxBypass`, `maxWaitMs`, 0 = off).
 * - serial: strict arrival order, one request at a time, no reordering or batching.
 */
export type SchedulerConfig =
  | { readonly kind: "fifo"; readonly maxBypass: number; readonly maxWaitMs: number }
  | { readonly kind: "serial" };

export interface CoreConfig {
  readonly models: readonly CoreModelConfig[];
  readonly planner: PlannerConfig;
  /** Device capacities for the memory budget; empty = no memory constraint. */
  readonly devices: Readonly<Record<string, number>>;
  readonly scheduler: SchedulerConfig;
  /** Idle unload for models whose own ttl is 0; 0 = never. */
  readonly globalTtlMs: number;
  /** Most requests waiting at once (all models together); 0 = unbounded. */
  readonly maxQueueLength: number;
  /**
   * A request for a ready model at its concurrency limit: "reject" answers 429
   * `CONCURRENCY_LIMIT` at once (llama-swap's behaviour), "queue" waits for a slot.
   */
  readonly onConcurrencyLimit: "reject" | "queue";
}
