/**
 * llama-swap's groups. Each group has three switches:
 * - `swap`: only one member runs at a time;
 * - `exclusive`: starting a member stops every running model of the other groups, except
 *   members of persistent groups;
 * - `persistent`: other groups can never stop its members (swapping inside it still applies).
 * Models in no group form an implicit default group with swap and exclusive on and persistent
 * off, so a config without groups runs exactly one model at a time, as llama-swap does.
 *
 * Groups leave no choice to make: the rules name the evictees, busy or not (the scheduler
 * lets busy ones drain first).
 */
import type { CoreConfig, GroupConfig } from "../config.ts";
import type { Planner, PlanResult, ResidentView } from "../planner.ts";
import { configRank, sortByConfig } from "./config-order.ts";

/** Id of the implicit group that holds every model listed in no group. */
export const DEFAULT_GROUP_ID = "(default)";

interface GroupRules {
  readonly id: string;
  readonly swap: boolean;
  readonly exclusive: boolean;
  readonly persistent: boolean;
}

const defaultGroup: GroupRules = { id: DEFAULT_GROUP_ID, swap: true, exclusive: true, persistent: false };

/**
 * Pure. A planner for `groups`. A model listed in two groups belongs to the first (the config
 * package reports that as an error; the core just stays deterministic).
 */
export function createGroupsPlanner(config: CoreConfig, groups: readonly GroupConfig[]): Planner {
  const rank = configRank(config);
  const groupOf = new Map<string, GroupRules>();
  for (const group of groups) {
    for (const member of group.members) {
      if (!groupOf.has(member)) groupOf.set(member, group);
    }
  }
  const lookup = (id: string): GroupRules => groupOf.get(id) ?? defaultGroup;

  return {
    plan(target: string, resident: readonly ResidentView[]): PlanResult {
      const own = lookup(target);
      const evict = new Set<string>();
      for (const r of resident) {
        if (r.phase === "stopping" || r.id === target) continue;
        const other = lookup(r.id);
        if (other === own ? own.swap : own.exclusive && !other.persistent) evict.add(r.id);
      }
      return { ok: true, evict: sortByConfig(evict, rank) };
    },
    allows(models: readonly string[]): boolean {
      const seen = new Map<GroupRules, string>();
      for (const id of models) {
        const group = lookup(id);
        if (!group.swap) continue;
        const first = seen.get(group);
        if (first !== undefined && first !== id) return false;
        seen.set(group, id);
      }
      return true;
    },
  };
}
