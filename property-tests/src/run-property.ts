/**
 * Runs a family (or several) as a fast-check model-based property: a random config, a random
 * command list (client events interleaved with world reactions), then `settle` to quiet.
 *
 * Seeds: fixed by default so CI is reproducible; `FC_SEED` and `FC_RUNS` override them
 * (fast-check prints the seed and path of a failure; rerun with FC_SEED=<seed>).
 */
import type { CoreConfig } from "@hotswap/core";
import fc from "fast-check";
import { commandArb } from "./actions.ts";
import { configArb } from "./arbitraries.ts";
import type { InvariantFamily } from "./invariants/monitor.ts";
import type { Machine } from "./machine.ts";
import { Sim } from "./sim.ts";

/** The CI seed. */
export const DEFAULT_SEED = 20261125;
/** Most commands in one generated run (before settling). */
export const MAX_COMMANDS = 120;

export interface RunSettings {
  readonly seed: number;
  readonly numRuns: number;
  /** true when FC_RUNS set the run count (the step budget is then not enforced). */
  readonly overridden: boolean;
}

/**
 * Reads FC_SEED / FC_RUNS, falling back to `DEFAULT_SEED + seedOffset` and `defaultRuns`.
 * Each suite passes its own offset so that the suites explore different runs; FC_SEED sets
 * the exact seed for every suite (paste the seed fast-check printed to reproduce a failure).
 */
export function runSettings(defaultRuns: number, seedOffset = 0): RunSettings {
  const seed = Number.parseInt(process.env.FC_SEED ?? "", 10);
  const runs = Number.parseInt(process.env.FC_RUNS ?? "", 10);
  return {
    seed: Number.isFinite(seed) ? seed : DEFAULT_SEED + seedOffset,
    numRuns: Number.isFinite(runs) && runs > 0 ? runs : defaultRuns,
    overridden: Number.isFinite(runs) && runs > 0,
  };
}

/** Counts the steps every run of a property took, so a suite can report its total. */
export class StepCounter {
  total = 0;
  runs = 0;
}

/** The generated input of one run. */
export type Scenario = [CoreConfig, Iterable<fc.Command<Sim<unknown>, Sim<unknown>>>];

export function scenarioArb(configs: fc.Arbitrary<CoreConfig> = configArb): fc.Arbitrary<Scenario> {
  return fc.tuple(
    configs,
    fc.commands<Sim<unknown>, Sim<unknown>>([commandArb], { maxCommands: MAX_COMMANDS, size: "max" }),
  );
}

/** One run: commands through a fresh Sim, then settle. Throws on the first violation. */
export function simulate<S>(
  machine: Machine<S>,
  families: readonly InvariantFamily[],
  [config, commands]: Scenario,
  counter?: StepCounter,
): void {
  const sim = new Sim(machine, config, families);
  try {
    fc.modelRun(() => ({ model: sim as Sim<unknown>, real: sim as Sim<unknown> }), commands);
    sim.settle();
  } finally {
    if (counter) {
      counter.total += sim.steps;
      counter.runs += 1;
    }
  }
}

/** The property for `families` against `machine`. */
export function invariantProperty<S>(
  machine: Machine<S>,
  families: readonly InvariantFamily[],
  counter?: StepCounter,
  configs?: fc.Arbitrary<CoreConfig>,
): fc.IPropertyWithHooks<[Scenario]> {
  return fc.property(scenarioArb(configs), (scenario) => simulate(machine, families, scenario, counter));
}
