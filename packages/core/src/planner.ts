/**
 * The planner interface: which running models must go so that a target can run.
 * Every planner is pure and deterministic and passes the shared conformance suite
 * (`test/planner-conformance.ts`).
 */
import type { CoreConfig } from "./config.ts";

/** A model that holds resources now, as the planner sees it. */
export interface ResidentView {
  readonly id: string;
  /** "pending" = chosen to start, waiting for its evictees to stop; holds its place like a started one. */
  readonly phase: "pending" | "starting" | "ready" | "stopping";
  /**
   * true when evicting it now would cost work: requests in flight or waiting for it,
   * or it is pending/starting. The scheduler only stops busy models after they drain.
   */
  readonly busy: boolean;
  /** When it last finished or began serving a request (for least-recently-used ties). */
  readonly lastUsedAt: number;
}

export type PlanResult =
  /** Stop `evict` (never the target, never a model already stopping), then start the target. */
  | { readonly ok: true; readonly evict: readonly string[] }
  /** The target can never be resident under this config (e.g. needs more than a device holds). */
  | { readonly ok: false; readonly message: string };

export interface Planner {
  /**
   * Pure. Which of `resident` (which never contains `target`) must stop before `target`
   * may start. Preference order, where the planner has a choice:
   * 1. evict as few busy models as possible;
   * 2. then the lowest cost (matrix `evict_costs`, default 1 per model);
   * 3. then the least recently used;
   * 4. then configuration order.
   * Models in phase "stopping" are already leaving: never listed, but their resources count
   * as taken until they are gone.
   */
  plan(target: string, resident: readonly ResidentView[]): PlanResult;
  /**
   * Pure. Whether these models may be resident together (a static check: swap groups hold one
   * member, matrix sets, device budgets, serial's one model). The scheduler checks
   * `allows(resident + target)` before every start.
   */
  allows(models: readonly string[]): boolean;
}

export type PlannerFactory = (config: CoreConfig) => Planner;
