/**
 * Planner and scheduler selection from legacy `groups` / `matrix` or canonical `routing`,
 * with group membership, matrix and priority checks.
 */
import { expandMatrix, type GroupConfig, type PlannerConfig, type SchedulerConfig } from "@hotswap/core";
import type { PathSegment } from "./locate.ts";
import type { ProblemList } from "./problems.ts";
import { own } from "./reserved-keys.ts";
import type { GroupInput, MatrixInput, RoutingInput } from "./schema/routing.ts";

export interface RoutingInputs {
  readonly groups: Record<string, GroupInput> | undefined;
  readonly matrix: MatrixInput | undefined;
  readonly routing: RoutingInput | undefined;
  readonly hotswapScheduler: { maxBypass?: number | undefined; maxWait?: number | undefined } | undefined;
  readonly modelIds: ReadonlySet<string>;
  /** alias -> model id, for hints. */
  readonly aliases: Readonly<Record<string, string>>;
}

export interface RoutingResult {
  readonly planner: PlannerConfig;
  readonly scheduler: SchedulerConfig;
  /** model id -> priority from `routing.scheduler.settings.fifo.priority`. */
  readonly priorities: Readonly<Record<string, number>>;
}

type Source = { kind: "groups"; groups: Record<string, GroupInput>; path: PathSegment[] };
type MatrixSource = { kind: "matrix"; matrix: MatrixInput; path: PathSegment[] };

export function resolveRouting(input: RoutingInputs, problems: ProblemList): RoutingResult {
  return {
    planner: choosePlanner(input, problems),
    scheduler: chooseScheduler(input),
    priorities: resolvePriorities(input, problems),
  };
}

function choosePlanner(input: RoutingInputs, problems: ProblemList): PlannerConfig {
  const router = input.routing?.router;
  const settings = router?.settings;
  if (input.groups && input.matrix) {
    problems.error(["matrix"], "a config cannot use both groups and matrix; choose one", "key");
  }
  if (router && (input.groups || input.matrix)) {
    problems.error(
      ["routing", "router"],
      "use either the top-level groups/matrix keys or routing.router, not both",
      "key",
    );
  }
  const base: PathSegment[] = ["routing", "router", "settings"];
  let use = router?.use;
  let groups: Source | undefined = settings?.groups && {
    kind: "groups",
    groups: settings.groups,
    path: [...base, "groups"],
  };
  let matrix: MatrixSource | undefined = settings?.matrix && {
    kind: "matrix",
    matrix: settings.matrix,
    path: [...base, "matrix"],
  };
  if (!router) {
    groups = input.groups && { kind: "groups", groups: input.groups, path: ["groups"] };
    matrix = input.matrix && { kind: "matrix", matrix: input.matrix, path: ["matrix"] };
    use = matrix && !groups ? "matrix" : "group";
  }
  use ??= "group";
  if (use !== "group" && groups) {
    problems.warning(groups.path, `ignored: routing.router.use is ${JSON.stringify(use)}`, "key");
  }
  if (use !== "matrix" && matrix) {
    problems.warning(matrix.path, `ignored: routing.router.use is ${JSON.stringify(use)}`, "key");
  }
  if (use === "memory" || use === "serial") return { kind: use };
  if (use === "matrix") {
    if (!matrix) {
      problems.error(
        ["routing", "router", "use"],
        'routing.router.use is "matrix" but routing.router.settings.matrix is missing',
      );
      return { kind: "groups", groups: [] };
    }
    return resolveMatrix(matrix, input, problems);
  }
  return { kind: "groups", groups: groups ? resolveGroups(groups, input, problems) : [] };
}

function unknownModelHint(id: string, input: RoutingInputs): string {
  const target = own(input.aliases, id);
  return target === undefined ? "" : ` (it is an alias of ${JSON.stringify(target)}; use the model id)`;
}

function resolveGroups(source: Source, input: RoutingInputs, problems: ProblemList): GroupConfig[] {
  const owner = new Map<string, string>();
  const out: GroupConfig[] = [];
  for (const [groupId, group] of Object.entries(source.groups)) {
    const members: string[] = [];
    group.members.forEach((member, i) => {
      const at = [...source.path, groupId, "members", i];
      if (members.includes(member)) {
        problems.error(
          at,
          `model ${JSON.stringify(member)} is listed twice in group ${JSON.stringify(groupId)}`,
        );
        return;
      }
      const other = owner.get(member);
      if (other !== undefined) {
        problems.error(
          at,
          `model ${JSON.stringify(member)} is in groups ${JSON.stringify(other)} and ${JSON.stringify(groupId)}; a model can be in one group only`,
        );
        return;
      }
      owner.set(member, groupId);
      if (!input.modelIds.has(member)) {
        problems.warning(
          at,
          `unknown model ${JSON.stringify(member)} in group ${JSON.stringify(groupId)}: not a model id in models; ignored${unknownModelHint(member, input)}`,
        );
        return;
      }
      members.push(member);
    });
    out.push({
      id: groupId,
      swap: group.swap ?? true,
      exclusive: group.exclusive ?? true,
      persistent: group.persistent ?? false,
      members,
    });
  }
  return out;
}

function resolveMatrix(source: MatrixSource, input: RoutingInputs, problems: ProblemList): PlannerConfig {
  const { matrix, path } = source;
  const vars = matrix.vars ?? {};
  for (const [name, target] of Object.entries(vars)) {
    if (!input.modelIds.has(target)) {
      problems.error(
        [...path, "vars", name],
        `matrix var ${name} names ${JSON.stringify(target)}, which is not a model id in models${unknownModelHint(target, input)}`,
      );
    }
  }
  const sets = Object.entries(matrix.sets).map(([name, expr]) => ({ name, expr }));
  const expanded = expandMatrix({ vars, sets });
  if (!expanded.ok) {
    for (const error of expanded.errors) {
      problems.errorInside(
        [...path, "sets", error.set],
        error.position,
        `set ${JSON.stringify(error.set)}: ${error.message}`,
      );
    }
  } else {
    const reported = new Set<string>();
    for (const set of expanded.sets) {
      for (const member of set.members) {
        if (input.modelIds.has(member) || reported.has(member)) continue;
        reported.add(member);
        problems.error(
          [...path, "sets", set.name],
          `set ${JSON.stringify(set.name)} names ${JSON.stringify(member)}, which is neither a var nor a model id`,
        );
      }
    }
  }
  const evictCosts = matrix.evict_costs ?? {};
  for (const key of Object.keys(evictCosts)) {
    if (!Object.hasOwn(vars, key) && !input.modelIds.has(key)) {
      problems.error(
        [...path, "evict_costs", key],
        `${JSON.stringify(key)} is neither a var nor a model id`,
        "key",
      );
    }
  }
  return { kind: "matrix", vars, sets, evictCosts };
}

function chooseScheduler(input: RoutingInputs): SchedulerConfig {
  if (input.routing?.scheduler?.use === "serial") return { kind: "serial" };
  return {
    kind: "fifo",
    maxBypass: input.hotswapScheduler?.maxBypass ?? 0,
    maxWaitMs: Math.round((input.hotswapScheduler?.maxWait ?? 0) * 1000),
  };
}

function resolvePriorities(input: RoutingInputs, problems: ProblemList): Record<string, number> {
  const path: PathSegment[] = ["routing", "scheduler", "settings", "fifo", "priority"];
  const out: Record<string, number> = {};
  for (const [id, priority] of Object.entries(input.routing?.scheduler?.settings?.fifo?.priority ?? {})) {
    const real = input.modelIds.has(id) ? id : own(input.aliases, id);
    if (real === undefined) {
      problems.warning(
        [...path, id],
        `unknown model ${JSON.stringify(id)}: not a model id or alias; ignored`,
        "key",
      );
      continue;
    }
    out[real] = priority;
  }
  return out;
}
