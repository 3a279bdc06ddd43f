/**
 * Step hot-path microbench: what the two per-request steps for a ready model cost as the
 * number of requests already in flight grows. One model (concurrency 100,000, so nothing
 * queues) is made ready and given N granted requests; then one prepared state is stepped
 * again and again with:
 * - requestArrived: a new request for the ready model, granted in the same step;
 * - grantDelivered: the app confirms a grant it just received (the state after the
 *   requestArrived above, so N + 1 in flight, the new one not yet delivered);
 * - serveFinished: one of the N in-flight requests finishes.
 * Then `measureStepTime` (step-time.ts) at 1,000 models / 10,000 queued, unless `--quick`
 * (`--big-only` skips the hot path).
 * Timing the same input repeatedly relies on `step` never mutating its input (checked).
 * Prints a table, then the JSON report. Run: `pnpm exec node bench/src/step-hotpath.ts`.
 */
import { type CoreConfig, type Event, initialState, type State, step } from "@hotswap/core";
import { measureStepTime } from "./step-time.ts";

const IN_FLIGHT = [1, 64, 1000, 10_000] as const;

interface HotRow {
  readonly inFlight: number;
  readonly event: string;
  readonly iterations: number;
  readonly meanUs: number;
  readonly medianUs: number;
}

function config(): CoreConfig {
  return {
    models: [
      { id: "m", concurrencyLimit: 100_000, ttlMs: 0, priority: 0, unloadTimeoutMs: 1000, memory: {} },
      { id: "other", concurrencyLimit: 4, ttlMs: 0, priority: 0, unloadTimeoutMs: 1000, memory: {} },
    ],
    planner: { kind: "memory" },
    devices: {},
    scheduler: { kind: "fifo", maxBypass: 8, maxWaitMs: 0 },
    globalTtlMs: 0,
    maxQueueLength: 0,
    onConcurrencyLimit: "queue",
  };
}

/** A state with model "m" ready and `n` delivered requests in flight on it. */
function loaded(n: number): State {
  let s = initialState(config());
  let at = 1;
  const first = step(s, { type: "requestArrived", id: "r0", model: "m", at });
  const start = first.effects.find((e) => e.type === "startProcess");
  if (!start) throw new Error("no startProcess");
  s = step(first.state, { type: "processReady", model: "m", instance: start.instance, at: ++at }).state;
  s = step(s, { type: "grantDelivered", id: "r0", at: ++at }).state;
  for (let i = 1; i < n; i++) {
    s = step(s, { type: "requestArrived", id: `r${i}`, model: "m", at: ++at }).state;
    s = step(s, { type: "grantDelivered", id: `r${i}`, at: ++at }).state;
  }
  return s;
}

function time(state: State, event: Event, expect: string, minMs: number): Omit<HotRow, "inFlight" | "event"> {
  const check = step(state, event);
  if (!check.effects.some((e) => e.type === expect) && expect !== "none") {
    throw new Error(`${event.type}: expected a ${expect} effect`);
  }
  // Every timed event changes the state (a grant, a delivery mark, a freed slot): an
  // unchanged result would mean the event was ignored and the row measures nothing.
  if (JSON.stringify(check.state) === JSON.stringify(state)) throw new Error(`${event.type}: no change`);
  const before = JSON.stringify(state);
  const samples: number[] = [];
  const t0 = performance.now();
  while (samples.length < 200 || performance.now() - t0 < minMs) {
    // Batches of 20 keep performance.now's own cost out of sub-microsecond figures.
    const b0 = performance.now();
    for (let i = 0; i < 20; i++) step(state, event);
    samples.push(((performance.now() - b0) * 1000) / 20);
  }
  if (JSON.stringify(state) !== before) throw new Error(`${event.type} mutated its input`);
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  return { iterations: samples.length * 20, meanUs: mean, medianUs: samples[samples.length >> 1] ?? 0 };
}

function hotPath(minMs: number): HotRow[] {
  const rows: HotRow[] = [];
  // Warm-up, discarded: otherwise the first rung measured also pays for JIT compilation.
  const warm = loaded(64);
  time(warm, { type: "requestArrived", id: "probe", model: "m", at: warm.now + 1 }, "grant", minMs);
  const warmArrived = step(warm, { type: "requestArrived", id: "probe", model: "m", at: warm.now + 1 }).state;
  time(warmArrived, { type: "grantDelivered", id: "probe", at: warmArrived.now + 1 }, "none", minMs);
  time(warm, { type: "serveFinished", id: "r1", at: warm.now + 1 }, "none", minMs);
  for (const n of IN_FLIGHT) {
    const s = loaded(n);
    const at = s.now + 1;
    const arrive: Event = { type: "requestArrived", id: "probe", model: "m", at };
    const finish: Event = { type: "serveFinished", id: `r${n >> 1}`, at };
    rows.push({ inFlight: n, event: "requestArrived+grant", ...time(s, arrive, "grant", minMs) });
    const arrived = step(s, arrive).state;
    const deliver: Event = { type: "grantDelivered", id: "probe", at: arrived.now + 1 };
    rows.push({ inFlight: n, event: "grantDelivered", ...time(arrived, deliver, "none", minMs) });
    rows.push({ inFlight: n, event: "serveFinished", ...time(s, finish, "none", minMs) });
  }
  return rows;
}

const quick = process.argv.includes("--quick");
const bigOnly = process.argv.includes("--big-only");
const hot = bigOnly ? [] : hotPath(quick ? 200 : 1000);
console.log("in flight | event                | mean µs | median µs");
for (const r of hot) {
  console.log(
    `${String(r.inFlight).padStart(9)} | ${r.event.padEnd(20)} | ${r.meanUs.toFixed(2).padStart(7)} | ${r.medianUs.toFixed(2).padStart(9)}`,
  );
}
const big = quick
  ? null
  : measureStepTime({
      models: 1000,
      ladder: [1000, 10_000],
      iterations: 300,
      budgetMs: 1500,
      buildBudgetMs: 120_000,
    });
if (big) {
  console.log("\nscheduler      | queued | event          | mean µs | p99 µs | cpu µs");
  for (const r of big.rows) {
    console.log(
      `${r.scheduler.padEnd(14)} | ${String(r.queued).padStart(6)} | ${r.event.padEnd(14)} | ${r.meanUs.toFixed(1).padStart(7)} | ${r.p99Us.toFixed(1).padStart(6)} | ${r.cpuMeanUs.toFixed(1).padStart(6)}`,
    );
  }
  console.log(`build: ${JSON.stringify(big.build)} problems: ${JSON.stringify(big.problems)}`);
}
console.log(JSON.stringify({ hotPath: hot, stepTime: big }));
