/**
 * Configuration order, the last tie-break of every planner. Shared so that all planners
 * list evictions in the same, input-order-independent sequence.
 */
import type { CoreConfig } from "../config.ts";

/** Ranks model ids by their position in `config.models`; unknown ids rank after all known ones. */
export type ConfigRank = (id: string) => number;

/** Pure. Builds the rank function once per planner. */
export function configRank(config: CoreConfig): ConfigRank {
  const index = new Map<string, number>();
  config.models.forEach((model, i) => {
    if (!index.has(model.id)) index.set(model.id, i);
  });
  return (id) => index.get(id) ?? config.models.length;
}

/**
 * Pure. Sorts ids by configuration order; unknown ids follow, by code-point order, so the
 * result never depends on the order the caller listed them in.
 */
export function sortByConfig(ids: Iterable<string>, rank: ConfigRank): string[] {
  return [...ids].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
