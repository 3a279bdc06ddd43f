/**
 * Family 8: the core is a deterministic, pure function of plain data.
 *
 * 1. After every step, the core's own `checkInvariants(state)` returns [].
 * 2. After every step the state survives a JSON round trip unchanged (deep strict equality,
 *    prototypes included: no Map, Set, class instance, undefined, NaN or Infinity inside),
 *    and `structuredClone` accepts it.
 * 3. `step` does not mutate the state it was given: the previous state serialises the same
 *    after the step as it did when it was produced.
 * 4. At the end of the run, replaying the same event list from `initialState(config)` yields
 *    the same effects, step by step.
 */
import { isDeepStrictEqual } from "node:util";
import type { Effect, Event } from "@hotswap/core";
import type { InvariantFamily } from "./monitor.ts";

/** The first difference between a value and its JSON round trip, or undefined when equal. */
export function jsonRoundTripProblem(value: unknown): string | undefined {
  let json: string;
  try {
    structuredClone(value);
    json = JSON.stringify(value);
  } catch (error) {
    return `state cannot be cloned or serialised: ${(error as Error).message}`;
  }
  if (isDeepStrictEqual(JSON.parse(json), value)) return undefined;
  return `state changes in a JSON round trip (non-plain data inside): ${json.slice(0, 300)}`;
}

export const determinism: InvariantFamily = {
  id: "determinism",
  number: 8,
  title: "deterministic, self-consistent, JSON-plain state",
  create: (context) => {
    const events: Event[] = [];
    const effects: (readonly Effect[])[] = [];
    let previousJson: string | undefined;
    return {
      afterStep(step) {
        events.push(step.event);
        effects.push(step.effects);
        const problems = context.selfCheck(step.state).map((p) => `checkInvariants: ${p}`);
        const before = JSON.stringify(step.stateBefore);
        if (previousJson !== undefined && before !== previousJson) {
          problems.push("step mutated the state it was given");
        }
        previousJson = JSON.stringify(step.state);
        const plain = jsonRoundTripProblem(step.state);
        if (plain) problems.push(plain);
        return problems;
      },
      onEnd() {
        const replayed = context.replay(events);
        for (let i = 0; i < effects.length; i++) {
          if (!isDeepStrictEqual(replayed[i], effects[i])) {
            return [
              `replaying the same events gives different effects at step ${i + 1}: ` +
                `${JSON.stringify(replayed[i])} instead of ${JSON.stringify(effects[i])}`,
            ];
          }
        }
        return [];
      },
    };
  },
};
