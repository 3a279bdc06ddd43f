/**
 * Random `CoreConfig`s covering every planner and scheduler: 1-6 models (ids from a fixed
 * pool, so a replacement config overlaps the old one), concurrency limits 1-3, ttls and
 * priorities; groups with random switches and ungrouped models; matrix sets from random
 * `&`/`|` expressions with parentheses, vars, `+ref` and evict costs; device budgets with
 * one model that can never fit; fifo (maxBypass, maxWaitMs) and serial schedulers.
 */
import type { CoreConfig, CoreModelConfig, GroupConfig, MatrixSetConfig, PlannerConfig } from "@hotswap/core";
import fc from "fast-check";

/** Every model id a generated config may use. */
export const MODEL_POOL = ["m0", "m1", "m2", "m3", "m4", "m5"] as const;
/** A model id no config ever defines. */
export const UNKNOWN_MODEL = "ghost";
/** Capacity of each generated device; a never-fitting model asks for more. */
export const DEVICE_CAPACITY = 100;

type Devices = Readonly<Record<string, number>>;

const modelIds = fc.shuffledSubarray([...MODEL_POOL], { minLength: 1, maxLength: MODEL_POOL.length });

function modelArb(id: string): fc.Arbitrary<Omit<CoreModelConfig, "memory"> & { id: string }> {
  return fc.record({
    id: fc.constant(id),
    concurrencyLimit: fc.integer({ min: 1, max: 3 }),
    ttlMs: fc.constantFrom(0, 0, 1000, 5000),
    priority: fc.integer({ min: 0, max: 2 }),
    unloadTimeoutMs: fc.constant(1000),
  });
}

/** Needs on each device, or more than any device holds when `neverFits`. */
function needsArb(devices: Devices, neverFits: boolean): fc.Arbitrary<Record<string, number>> {
  const names = Object.keys(devices);
  if (names.length === 0) return fc.constant({});
  if (neverFits) return fc.constant({ [names[0]!]: DEVICE_CAPACITY + 50 });
  return fc.subarray(names, { minLength: 0 }).chain((used) =>
    fc.tuple(...used.map(() => fc.integer({ min: 10, max: DEVICE_CAPACITY }))).map((amounts) => {
      const needs: Record<string, number> = {};
      used.forEach((device, i) => {
        needs[device] = amounts[i]!;
      });
      return needs;
    }),
  );
}

const devicesArb: fc.Arbitrary<Devices> = fc.constantFrom(
  { gpu0: DEVICE_CAPACITY },
  { gpu0: DEVICE_CAPACITY, gpu1: DEVICE_CAPACITY },
);

function groupsArb(ids: readonly string[]): fc.Arbitrary<PlannerConfig> {
  const flags = fc.record({ swap: fc.boolean(), exclusive: fc.boolean(), persistent: fc.boolean() });
  return fc
    .tuple(
      fc.array(fc.integer({ min: -1, max: 2 }), { minLength: ids.length, maxLength: ids.length }),
      flags,
      flags,
      flags,
    )
    .map(([placement, ...switches]) => {
      const groups: GroupConfig[] = [];
      switches.forEach((s, g) => {
        const members = ids.filter((_, i) => placement[i] === g);
        if (members.length > 0) groups.push({ id: `g${g}`, ...s, members });
      });
      return { kind: "groups", groups };
    });
}

/** A set expression over `names`: leaves joined by & and |, compound operands in parentheses. */
function expressionArb(names: readonly string[]): fc.Arbitrary<string> {
  const { node } = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", maxDepth: 3 },
      fc.constantFrom(...names),
      fc
        .tuple(tie("node"), fc.constantFrom(" & ", " | ", "&", "|"), tie("node"))
        .map(([a, op, b]) => `${wrap(a)}${op}${wrap(b)}`),
    ),
  }));
  return node;
}

function wrap(expr: string): string {
  return /[&|]/.test(expr) ? `(${expr})` : expr;
}

function matrixArb(ids: readonly string[]): fc.Arbitrary<PlannerConfig> {
  return fc
    .record({
      varFor: fc.option(fc.constantFrom(...ids), { nil: undefined }),
      costs: fc.array(fc.tuple(fc.constantFrom(...ids), fc.integer({ min: 1, max: 50 })), { maxLength: 3 }),
      count: fc.integer({ min: 1, max: 3 }),
      useRef: fc.boolean(),
    })
    .chain(({ varFor, costs, count, useRef }) => {
      const vars: Record<string, string> = varFor === undefined ? {} : { v: varFor };
      const names = [...ids, ...Object.keys(vars)];
      return fc.array(expressionArb(names), { minLength: count, maxLength: count }).map((exprs) => {
        const sets: MatrixSetConfig[] = exprs.map((expr, i) => ({
          name: `s${i}`,
          expr: useRef && i > 0 ? `+s0 | ${wrap(expr)}` : expr,
        }));
        return { kind: "matrix", vars, sets, evictCosts: Object.fromEntries(costs) } satisfies PlannerConfig;
      });
    });
}

function plannerArb(ids: readonly string[]): fc.Arbitrary<PlannerConfig> {
  return fc.oneof(
    groupsArb(ids),
    matrixArb(ids),
    fc.constant<PlannerConfig>({ kind: "memory" }),
    fc.constant<PlannerConfig>({ kind: "serial" }),
  );
}

const schedulerArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant("fifo" as const),
        maxBypass: fc.integer({ min: 0, max: 3 }),
        maxWaitMs: fc.constantFrom(0, 2000, 10000),
      },
      { noNullPrototype: true },
    ),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "serial" as const }) },
);

/** A random, valid CoreConfig. */
export const configArb: fc.Arbitrary<CoreConfig> = modelIds.chain((ids) =>
  plannerArb(ids).chain((planner) => {
    const withDevices = planner.kind === "memory" ? fc.constant(true) : fc.boolean();
    return fc
      .record({
        devices: fc.tuple(withDevices, devicesArb).map(([on, d]) => (on ? d : {})),
        neverFits: fc.boolean(),
        scheduler: schedulerArb,
        globalTtlMs: fc.constantFrom(0, 3000),
        maxQueueLength: fc.constantFrom(0, 0, 2, 5),
        onConcurrencyLimit: fc.constantFrom("reject" as const, "queue" as const),
      })
      .chain(({ devices, neverFits, ...rest }) => {
        const models = ids.map((id, i) =>
          fc
            .tuple(modelArb(id), needsArb(devices, neverFits && ids.length > 1 && i === ids.length - 1))
            .map(([m, memory]): CoreModelConfig => ({ ...m, memory })),
        );
        return fc.tuple(...models).map((list): CoreConfig => ({ models: list, planner, devices, ...rest }));
      });
  }),
);
