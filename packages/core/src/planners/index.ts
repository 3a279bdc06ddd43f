/**
 * `createPlanner(config)`: the one place that turns `config.planner` (and `config.devices`)
 * into a `Planner`.
 *
 * Composition: with device budgets configured, groups, matrix and serial get the memory
 * planner on top. The composite's plan is
 * 1. the primary planner's plan (if it refuses, so does the composite);
 * 2. then the memory plan over the residents the primary leaves running;
 * 3. the union of both eviction lists, in configuration order.
 * allows() holds when both planners allow.
 */
import type { CoreConfig } from "../config.ts";
import type { Planner, PlanResult, ResidentView } from "../planner.ts";
import { configRank, sortByConfig } from "./config-order.ts";
import { createGroupsPlanner } from "./groups.ts";
import { createMatrixPlanner } from "./matrix.ts";
import { createMemoryPlanner } from "./memory.ts";
import { createSerialPlanner } from "./serial.ts";

function withMemory(config: CoreConfig, primary: Planner): Planner {
  if (Object.keys(config.devices).length === 0) return primary;
  const memory = createMemoryPlanner(config);
  const rank = configRank(config);
  return {
    plan(target: string, resident: readonly ResidentView[]): PlanResult {
      const first = primary.plan(target, resident);
      if (!first.ok) return first;
      const gone = new Set(first.evict);
      const second = memory.plan(
        target,
        resident.filter((r) => !gone.has(r.id)),
      );
      if (!second.ok) return second;
      return { ok: true, evict: sortByConfig(new Set([...first.evict, ...second.evict]), rank) };
    },
    allows(models: readonly string[]): boolean {
      return primary.allows(models) && memory.allows(models);
    },
  };
}

/**
 * Pure. Builds the planner `config.planner` names, with device budgets on top when
 * `config.devices` is not empty. Throws `CoreInvariantError` for a matrix that does not
 * expand (the config package reports those first, with file and line).
 */
export function createPlanner(config: CoreConfig): Planner {
  const planner = config.planner;
  switch (planner.kind) {
    case "groups":
      return withMemory(config, createGroupsPlanner(config, planner.groups));
    case "matrix":
      return withMemory(config, createMatrixPlanner(config, planner));
    case "serial":
      return withMemory(config, createSerialPlanner(config));
    case "memory":
      return createMemoryPlanner(config);
  }
}
