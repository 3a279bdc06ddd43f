/**
 * The suite must catch llama-swap's old fast-path race every run: the planted variant
 * (`src/planted-race.ts`) counts a fast-path grant in flight only at grantDelivered, so a
 * swap decided in between stops the model under the request. fast-check must find a failure
 * of family 1 (stop-while-serving) with the CI seed and with other seeds.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { InvariantViolationError } from "../src/errors.ts";
import { stopWhileServing } from "../src/invariants/index.ts";
import type { Machine } from "../src/machine.ts";
import { plantedRaceMachine } from "../src/planted-race.ts";
import { DEFAULT_SEED, invariantProperty, runSettings } from "../src/run-property.ts";

const settings = runSettings(200);
const seeds = [...new Set([settings.seed, DEFAULT_SEED, 1, 2, 3, 42, 4242])];

describe("planted fast-path race", () => {
  test.each(seeds)("planted race: fast-check finds the stop under a granted request (seed %i)", (seed) => {
    const details = fc.check(invariantProperty(plantedRaceMachine as Machine<unknown>, [stopWhileServing]), {
      seed,
      numRuns: settings.numRuns,
    });
    expect(details.failed).toBe(true);
    const error = details.errorInstance;
    expect(error).toBeInstanceOf(InvariantViolationError);
    expect((error as InvariantViolationError).family).toBe("stop-while-serving");
    const shrunk = seed === settings.seed ? `:\n${(error as Error).message.split("\nreplay")[0]}` : "";
    console.log(`planted race, seed ${seed}: caught after ${details.numRuns} runs${shrunk}`);
  });
});
