/**
 * The serial planner: exactly one model resident at a time, whatever else is configured.
 * Starting a model stops every other one that is not already stopping.
 */
import type { CoreConfig } from "../config.ts";
import type { Planner, PlanResult, ResidentView } from "../planner.ts";
import { configRank, sortByConfig } from "./config-order.ts";

/** Pure. A planner that allows at most one distinct model at once. */
export function createSerialPlanner(config: CoreConfig): Planner {
  const rank = configRank(config);
  return {
    plan(target: string, resident: readonly ResidentView[]): PlanResult {
      const evict = resident.filter((r) => r.phase !== "stopping" && r.id !== target).map((r) => r.id);
      return { ok: true, evict: sortByConfig(new Set(evict), rank) };
    },
    allows(models: readonly string[]): boolean {
      return new Set(models).size <= 1;
    },
  };
}
