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
