/**
 * The shape of an invariant family: a factory of monitors, one monitor per run. The runner
 * calls the hooks in this order for every step:
 * 1. `beforeStep(event, ledger)`: the ledger still holds the previous step;
 * 2. the ledger applies the event;
 * 3. for each effect in order: `onEffect(effect, ledger)`, then the ledger applies it;
 * 4. `afterStep(step, ledger)`.
 * At the end of the run (after the world was driven to quiet, see `Sim.settle`),
 * `onEnd(ledger, quiet)` runs; `quiet` is false when settling gave up.
 * Every hook returns the violations it found, as human-readable sentences; [] means fine.
 */
import type { CoreConfig, Effect, Event } from "@hotswap/core";
import type { Ledger } from "../ledger.ts";

/** One step of a run, as the monitors see it after the step. */
export interface StepView {
  /** 1-based position in the run's event list. */
  readonly index: number;
  readonly event: Event;
  readonly effects: readonly Effect[];
  readonly stateBefore: unknown;
  readonly state: unknown;
}

export interface Monitor {
  beforeStep?(event: Event, ledger: Ledger): readonly string[];
  onEffect?(effect: Effect, ledger: Ledger): readonly string[];
  afterStep?(step: StepView, ledger: Ledger): readonly string[];
  onEnd?(ledger: Ledger, quiet: boolean): readonly string[];
}

/** Context a family's monitor may need beyond the ledger (e.g. to replay). */
export interface MonitorContext {
  readonly config: CoreConfig;
  /** The machine's own self-check, for the determinism family. */
  readonly selfCheck: (state: unknown) => readonly string[];
  /** Replays events from the initial state; the determinism family compares the effects. */
  readonly replay: (events: readonly Event[]) => readonly (readonly Effect[])[];
}

export interface InvariantFamily {
  /** Stable id, used in failure messages and test names, e.g. "stop-while-serving". */
  readonly id: string;
  /** The number in the brief's list (1-8), for reports. */
  readonly number: number;
  readonly title: string;
  create(context: MonitorContext): Monitor;
}

/** Short label of an instance for messages: `m1#3`. */
export function label(model: string, instance: number): string {
  return `${model}#${instance}`;
}
