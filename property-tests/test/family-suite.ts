/**
 * The shared shape of every invariant family's test file: one fast-check property over
 * random configs and runs (fixed seed, FC_SEED / FC_RUNS override), then a check that the
 * family generated its share of the step budget, with the cross-suite total printed by
 * whichever family suite finishes last.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { allFamilies } from "../src/invariants/index.ts";
import type { InvariantFamily } from "../src/invariants/monitor.ts";
import { coreMachine } from "../src/machine.ts";
import { invariantProperty, runSettings, StepCounter } from "../src/run-property.ts";
import { recordSteps } from "../src/step-tally.ts";

/** Steps all family suites together must generate per run of the suite. */
export const STEP_BUDGET = 100_000;
/** Each family's share, so the budget holds even if suites run in separate vitest runs. */
export const STEP_SHARE = Math.ceil(STEP_BUDGET / allFamilies.length);

export function familySuite(family: InvariantFamily, defaultRuns: number): void {
  const settings = runSettings(defaultRuns, family.number);
  const counter = new StepCounter();
  describe(`invariant ${family.number}: ${family.title}`, () => {
    test(`${family.id}: holds after every step of random runs (seed ${settings.seed})`, () => {
      fc.assert(invariantProperty(coreMachine, [family], counter), {
        seed: settings.seed,
        numRuns: settings.numRuns,
      });
    });

    test(`${family.id}: generated its share of the ${STEP_BUDGET} step budget`, () => {
      const tally = recordSteps(family.id, counter.total);
      console.log(`${family.id}: ${counter.total} steps in ${counter.runs} runs`);
      if (!settings.overridden) {
        expect(counter.total, "a failing property stops early: fix that first").toBeGreaterThanOrEqual(
          STEP_SHARE,
        );
      }
      const complete = allFamilies.every((f) => tally.has(f.id));
      if (complete) {
        const total = [...tally.values()].reduce((a, b) => a + b, 0);
        console.log(`property suites: ${total} generated steps in total across ${tally.size} families`);
        if (!settings.overridden) expect(total).toBeGreaterThanOrEqual(STEP_BUDGET);
      }
    });
  });
}
