/**
 * llama-swap's swap matrix. Sets (expanded by `matrix-dsl.ts`) list models that may run
 * together; a set also permits any subset of itself. To start X:
 * 1. collect every expanded set that contains X (definition order, then expansion order);
 * 2. a set's cost is the sum of `evict_costs` (default 1, keyed by var or model id) of the
 *    running models it does not contain;
 * 3. choose the cheapest set, ties by definition order, and evict the running models outside it.
 * A model in no set can only run alone: every other running model goes.
 *
 * Extension: before cost, choose the set that evicts the fewest BUSY models (requests in
 * flight or queued, or still starting), so a cheap-to-reload idle model goes before a busy
 * one. With nothing busy this is exactly llama-swap's choice.
 */
import type { CoreConfig } from "../config.ts";
import { CoreInvariantError } from "../errors.ts";
import type { Planner, PlanResult, ResidentView } from "../planner.ts";
import { configRank, sortByConfig } from "./config-order.ts";
import { expandMatrix } from "./matrix-dsl.ts";

type MatrixConfig = Extract<CoreConfig["planner"], { kind: "matrix" }>;

const DEFAULT_EVICT_COST = 1;

/** Cost keys may be vars or model ids; a var wins when both name the same model. */
function resolveCosts(matrix: MatrixConfig): Map<string, number> {
  const costs = new Map<string, number>();
  for (const [key, cost] of Object.entries(matrix.evictCosts)) {
    if (!Object.hasOwn(matrix.vars, key)) costs.set(key, cost);
  }
  for (const [key, cost] of Object.entries(matrix.evictCosts)) {
    if (Object.hasOwn(matrix.vars, key)) costs.set(matrix.vars[key]!, cost);
  }
  return costs;
}

/**
 * Pure. A planner for `matrix`. The config must have expanded cleanly (the config package
 * reports DSL errors with file and line first); a broken matrix here is a bug and throws.
 */
export function createMatrixPlanner(config: CoreConfig, matrix: MatrixConfig): Planner {
  const expanded = expandMatrix(matrix);
  if (!expanded.ok) {
    const first = expanded.errors[0]!;
    throw new CoreInvariantError(`matrix set '${first.set}' does not expand: ${first.message}`);
  }
  const sets = expanded.sets.map((set) => new Set(set.members));
  const costs = resolveCosts(matrix);
  const rank = configRank(config);
  const costOf = (id: string): number => costs.get(id) ?? DEFAULT_EVICT_COST;

  return {
    plan(target: string, resident: readonly ResidentView[]): PlanResult {
      const running = resident.filter((r) => r.phase !== "stopping" && r.id !== target);
      const candidates = sets.filter((set) => set.has(target));
      if (candidates.length === 0) {
        return { ok: true, evict: sortByConfig(new Set(running.map((r) => r.id)), rank) };
      }
      let best: { busy: number; cost: number; evict: string[] } | undefined;
      for (const set of candidates) {
        const outside = running.filter((r) => !set.has(r.id));
        const busy = outside.filter((r) => r.busy).length;
        const cost = outside.reduce((sum, r) => sum + costOf(r.id), 0);
        // Strictly better only, so the earliest set wins ties (definition order).
        if (!best || busy < best.busy || (busy === best.busy && cost < best.cost)) {
          best = { busy, cost, evict: outside.map((r) => r.id) };
        }
      }
      return { ok: true, evict: sortByConfig(new Set(best!.evict), rank) };
    },
    allows(models: readonly string[]): boolean {
      const wanted = [...new Set(models)];
      if (wanted.length <= 1) return true;
      return sets.some((set) => wanted.every((id) => set.has(id)));
    },
  };
}
