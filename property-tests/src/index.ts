/**
 * @hotswap/property-tests: model-based property tests of the core, through its public entry
 * only. The suites live in `test/`; this entry exposes the framework for ad-hoc runs:
 *
 *   FC_SEED=<seed> FC_RUNS=<runs> pnpm exec vitest run property-tests
 *
 * A failure prints the config, the numbered event list with the core's effects, and the
 * same as JSON; `replay(coreMachine, config, events, families)` runs it again.
 */
export type { Action } from "./actions.ts";
export { configArb, MODEL_POOL, UNKNOWN_MODEL } from "./arbitraries.ts";
export { config, model } from "./config-builders.ts";
export { InvariantViolationError, PropertyTestError, StepThrewError } from "./errors.ts";
export { ev, fx } from "./event-builders.ts";
export { formatConfig, formatEffect, formatEvent, formatRun } from "./format.ts";
export { allFamilies } from "./invariants/index.ts";
export type { InvariantFamily, Monitor } from "./invariants/monitor.ts";
export { Ledger } from "./ledger.ts";
export { type CoreState, coreMachine, type Machine } from "./machine.ts";
export { plantedRaceMachine } from "./planted-race.ts";
export {
  DEFAULT_SEED,
  invariantProperty,
  runSettings,
  StepCounter,
  scenarioArb,
  simulate,
} from "./run-property.ts";
export { replay, Sim } from "./sim.ts";
export { World } from "./world.ts";
