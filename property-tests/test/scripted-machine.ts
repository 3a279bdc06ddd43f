/**
 * A machine that answers each event with effects written down in advance, so the monitors
 * can be tested against histories known to be right or wrong without any core logic.
 */
import type { CoreConfig, Effect, Event } from "@hotswap/core";
import type { Machine } from "../src/machine.ts";

/** One scripted step: the event and the effects the "core" answers it with. */
export type Script = readonly (readonly [Event, readonly Effect[]])[];

export interface ScriptedState {
  readonly position: number;
}

export function scriptedMachine(script: Script): Machine<ScriptedState> {
  return {
    name: "scripted",
    init: (_config: CoreConfig) => ({ position: 0 }),
    step: (state) => ({
      state: { position: state.position + 1 },
      effects: script[state.position]?.[1] ?? [],
    }),
    selfCheck: () => [],
  };
}

export function eventsOf(script: Script): Event[] {
  return script.map(([event]) => event);
}
