export type {
  CoreConfig,
  CoreModelConfig,
  GroupConfig,
  MatrixSetConfig,
  PlannerConfig,
  SchedulerConfig,
} from "./config.ts";
export type { Effect, EffectOf, EffectType, StopReason } from "./effects.ts";
export { EFFECT_TYPES } from "./effects.ts";
export type { RejectCode, RejectError } from "./errors.ts";
export { CoreError, CoreInvariantError } from "./errors.ts";
export type { Event, EventOf, EventType } from "./events.ts";
export { EVENT_TYPES } from "./events.ts";
export { initialState } from "./initial-state.ts";
export { checkInvariants, createInvariantChecker } from "./invariants.ts";
export { countsInFlight } from "./models.ts";
export type { Planner, PlannerFactory, PlanResult, ResidentView } from "./planner.ts";
export { createPlanner } from "./planners/index.ts";
export type {
  ExpandedSet,
  ExpandMatrixResult,
  MatrixSetError,
  MatrixSetsConfig,
  SetExpressionError,
  SetExpressionResult,
} from "./planners/matrix-dsl.ts";
export { expandMatrix, MAX_EXPANDED_SETS, parseSetExpression } from "./planners/matrix-dsl.ts";
export type { Scheduler, SwapCandidate } from "./schedulers/index.ts";
export { createScheduler } from "./schedulers/index.ts";
export type {
  ModelPhase,
  ModelState,
  ReportedPosition,
  RequestRecord,
  RequestStatus,
  State,
} from "./state.ts";
export type { StepFunction, StepResult } from "./step.ts";
export { createStep, step } from "./step.ts";
