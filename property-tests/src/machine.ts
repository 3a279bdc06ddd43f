/**
 * The system under test, seen as a machine: an initial state, a pure transition and the
 * core's own state self-check. The real core is one machine; the planted-race variant
 * (`planted-race.ts`) is another, so every property runs unchanged against both.
 */
import type { CoreConfig, Effect, Event, State } from "@hotswap/core";
import { checkInvariants, initialState, step } from "@hotswap/core";

/** The core's state. */
export type CoreState = State;

/** What one transition returns. */
export interface Transition<S> {
  readonly state: S;
  readonly effects: readonly Effect[];
}

/** A pure, deterministic state machine with the core's signature. */
export interface Machine<S> {
  readonly name: string;
  init(config: CoreConfig): S;
  step(state: S, event: Event): Transition<S>;
  /** The machine's own consistency check; [] when the state is sound. */
  selfCheck(state: S): readonly string[];
}

/** The real core, through its public entry only. */
export const coreMachine: Machine<CoreState> = {
  name: "core",
  init: (config) => initialState(config),
  step: (state, event) => step(state, event),
  selfCheck: (state) => checkInvariants(state),
};
