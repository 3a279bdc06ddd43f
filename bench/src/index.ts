/**
 * @hotswap/bench: benches for hotswap. Nothing in the workspace imports this package; the
 * exports serve its own tests.
 */

export { percentile } from "./percentile.ts";
export {
  renderReport,
  runSchedulerBench,
  type SchedulerBenchReport,
  type SchedulerRow,
} from "./scheduler-bench.ts";
export { EventQueue } from "./sim/event-queue.ts";
export { measure, type RunMetrics, worstBypass } from "./sim/metrics.ts";
export { mulberry32, zipf } from "./sim/prng.ts";
export type { RequestOutcome, RunRecord, WorldOptions } from "./sim/run-record.ts";
export { buildConfig, SCHEDULER_SETTINGS } from "./sim/settings.ts";
export { standardTraces } from "./sim/suite.ts";
export { burstTrace, poissonTrace, roundRobinTrace, type Trace } from "./sim/traces.ts";
export { type CoreFunctions, simulate, simulateWith } from "./sim/world.ts";
export { measureStepTime } from "./step-time.ts";
