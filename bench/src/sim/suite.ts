/**
 * The traces the scheduler bench replays, at full size or at smoke size (tiny, for CI).
 * The smoke suite's first trace is exactly A B C A B C arriving together, whose swap counts
 * follow from the semantics (fifo collates to 3 starts, strict serial needs 6), and
 * hot-model is built so that only fifo's starvation bound gets its lone B request through
 * while A is busy; two-hot does the same to C with two hot models that only together leave
 * C no room under the memory planner.
 */
import { burstTrace, hotModelTrace, poissonTrace, roundRobinTrace, type Trace } from "./traces.ts";

const GIB = 1024;

/** Pure. The bench's traces; `smoke` shrinks every count so a run takes well under a second. */
export function standardTraces(smoke: boolean): Trace[] {
  const churn = { models: 3, loadMs: 3000, serviceMs: 1000, concurrencyLimit: 4, memoryMiB: 10 * GIB };
  return [
    roundRobinTrace({
      ...churn,
      name: "churn-at-once",
      rounds: smoke ? 2 : 10,
      gapMs: 0,
      deviceMiB: 24 * GIB,
    }),
    roundRobinTrace({
      ...churn,
      name: "churn-spaced",
      rounds: smoke ? 3 : 20,
      gapMs: 400,
      deviceMiB: 24 * GIB,
    }),
    hotModelTrace({
      name: "hot-model",
      hotModels: 1,
      hotRequests: smoke ? 16 : 100,
      gapMs: 600,
      loadMs: 3000,
      serviceMs: 1000,
      concurrencyLimit: 2,
      memoryMiB: 10 * GIB,
      deviceMiB: 24 * GIB,
    }),
    hotModelTrace({
      name: "two-hot",
      hotModels: 2,
      hotRequests: smoke ? 16 : 100,
      gapMs: 600,
      loadMs: 3000,
      serviceMs: 1000,
      concurrencyLimit: 2,
      memoryMiB: 10 * GIB,
      deviceMiB: 24 * GIB,
    }),
    poissonTrace({
      name: smoke ? "poisson-4" : "poisson-8",
      seed: 11,
      models: smoke ? 4 : 8,
      requests: smoke ? 30 : 400,
      meanGapMs: 2000,
      skew: 1.2,
      meanServiceMs: 2000,
      deviceMiB: 24 * GIB,
    }),
    poissonTrace({
      name: smoke ? "poisson-8" : "poisson-32",
      seed: 12,
      models: smoke ? 8 : 32,
      requests: smoke ? 40 : 800,
      meanGapMs: 1500,
      skew: 1.0,
      meanServiceMs: 2000,
      deviceMiB: 48 * GIB,
    }),
    burstTrace({
      name: "bursts",
      seed: 13,
      models: smoke ? 4 : 12,
      bursts: smoke ? 2 : 8,
      perBurst: smoke ? 8 : 40,
      spanMs: 2000,
      quietMs: 90_000,
      modelsPerBurst: 3,
      meanServiceMs: 2000,
      deviceMiB: 24 * GIB,
    }),
  ];
}
