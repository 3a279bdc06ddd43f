/**
 * Step-time microbench: how long one `step` takes with a large config (1,000 models at full
 * size) as the queue grows to 10,000 requests. Arrivals are fed one by one (nothing gets
 * ready, so every request stays queued); at each rung of a ladder of queue sizes, one
 * prepared state is stepped again and again with the same event, each call timed with
 * performance.now (and the process's CPU time over the loop). Three events are measured:
 * - requestArrived: one more request joins the queue;
 * - processReady: the first starting model becomes ready and its queued requests are granted;
 * - serveFinished: a slot frees on that ready model while more requests wait for it.
 * Timing the same input repeatedly relies on `step` never mutating its input, which the run
 * checks. Feeding stops at a wall-time budget, so a slow core yields the rungs it reached
 * plus a problem line instead of a bench that never ends.
 */
import { type CoreConfig, type Event, initialState, type SchedulerConfig, step } from "@hotswap/core";
import { percentile } from "./percentile.ts";

export interface StepTimeOptions {
  readonly models: number;
  /** Queue sizes to measure at, ascending; the last is the headline figure. */
  readonly ladder: readonly number[];
  /** Timed iterations per event, at most. */
  readonly iterations: number;
  /** Stop timing one event after this much wall time (ms), once 3 iterations are done. */
  readonly budgetMs: number;
  /** Per scheduler: stop feeding arrivals after this much wall time (ms). */
  readonly buildBudgetMs: number;
}

export interface StepTimeRow {
  readonly scheduler: string;
  readonly queued: number;
  readonly event: string;
  readonly iterations: number;
  readonly meanUs: number;
  readonly p99Us: number;
  /**
   * CPU time (user + system) of this process per step, over all iterations: less disturbed
   * than wall time when other processes share the cores.
   */
  readonly cpuMeanUs: number;
  /** Effects one such step returns (queue positions included). */
  readonly effects: number;
}

export interface StepTimeReport {
  readonly models: number;
  readonly ladder: readonly number[];
  readonly planner: string;
  /** Per scheduler: arrivals fed and the wall time that took (ms), measurements excluded. */
  readonly build: Readonly<Record<string, { readonly fed: number; readonly ms: number }>>;
  readonly rows: readonly StepTimeRow[];
  /** Breaches found while preparing or measuring: a mutated input, no start, no grant. */
  readonly problems: readonly string[];
  /** Rungs not reached because the build budget ran out (a finding about speed, not a breach). */
  readonly budgetNotes: readonly string[];
}

const SCHEDULERS: readonly { readonly name: string; readonly scheduler: SchedulerConfig }[] = [
  { name: "fifo bypass<=8", scheduler: { kind: "fifo", maxBypass: 8, maxWaitMs: 0 } },
  { name: "serial", scheduler: { kind: "serial" } },
];

type CoreState = ReturnType<typeof initialState>;

/** Runs the microbench for each scheduler. Synchronous; bounded by the budgets. */
export function measureStepTime(o: StepTimeOptions): StepTimeReport {
  const rows: StepTimeRow[] = [];
  const problems: string[] = [];
  const budgetNotes: string[] = [];
  const build: Record<string, { fed: number; ms: number }> = {};
  for (const { name, scheduler } of SCHEDULERS) {
    let state = initialState(bigConfig(o.models, scheduler));
    let start: { model: string; instance: number } | undefined;
    let fed = 0;
    let buildMs = 0;
    for (const rung of o.ladder) {
      const t0 = performance.now();
      for (; fed < rung && buildMs + (performance.now() - t0) < o.buildBudgetMs; fed++) {
        const result = step(state, arrival(`q${fed}`, fed % o.models, fed));
        state = result.state;
        for (const e of result.effects) if (e.type === "startProcess") start ??= e;
      }
      buildMs += performance.now() - t0;
      if (start === undefined) {
        problems.push(`${name}: no startProcess after ${fed} arrivals`);
        break;
      }
      rows.push(...measureRung(name, state, start, fed, o, problems));
      if (fed < rung) {
        budgetNotes.push(`${name}: build budget ran out at ${fed} of ${rung} queued (measured there)`);
        break;
      }
    }
    build[name] = { fed, ms: buildMs };
  }
  return { models: o.models, ladder: o.ladder, planner: "memory", build, rows, problems, budgetNotes };
}

function measureRung(
  name: string,
  state: CoreState,
  start: { model: string; instance: number },
  queued: number,
  o: StepTimeOptions,
  problems: string[],
): StepTimeRow[] {
  const now = queued;
  const ready: Event = { type: "processReady", model: start.model, instance: start.instance, at: now };
  const serving = step(state, ready);
  const granted = serving.effects.find((e) => e.type === "grant");
  const finished: Event | undefined = granted && {
    type: "serveFinished",
    id: granted.requestId,
    at: now + 1,
  };
  const cases: [string, CoreState, Event | undefined][] = [
    ["requestArrived", state, arrival("probe", o.models >> 1, now)],
    ["processReady", state, ready],
    ["serveFinished", serving.state, finished],
  ];
  const rows: StepTimeRow[] = [];
  for (const [event, input, e] of cases) {
    if (e === undefined) {
      problems.push(`${name}: no grant after processReady at ${queued} queued, serveFinished not measured`);
      continue;
    }
    const before = JSON.stringify(input);
    rows.push({ scheduler: name, queued, event, ...timeStep(input, e, o) });
    if (JSON.stringify(input) !== before) problems.push(`${name}: ${event} changed the state it was given`);
  }
  return rows;
}

/**
 * 1,000 models of 8 GiB each on one 80 GiB device (ten fit at once), concurrency 4,
 * requests over the limit queued.
 */
function bigConfig(models: number, scheduler: SchedulerConfig): CoreConfig {
  return {
    models: Array.from({ length: models }, (_, i) => ({
      id: modelId(i),
      concurrencyLimit: 4,
      ttlMs: 0,
      priority: 0,
      unloadTimeoutMs: 10_000,
      memory: { gpu0: 8192 },
    })),
    planner: { kind: "memory" },
    devices: { gpu0: 10 * 8192 },
    scheduler,
    globalTtlMs: 0,
    maxQueueLength: 0,
    onConcurrencyLimit: "queue",
  };
}

function timeStep(
  state: CoreState,
  event: Event,
  o: StepTimeOptions,
): { iterations: number; meanUs: number; p99Us: number; cpuMeanUs: number; effects: number } {
  // The first call doubles as warm-up and tells how many effects the step returns.
  const effects = step(state, event).effects.length;
  const samples: number[] = [];
  const deadline = performance.now() + o.budgetMs;
  const cpu0 = process.cpuUsage();
  while (samples.length < o.iterations && (samples.length < 3 || performance.now() < deadline)) {
    const t0 = performance.now();
    step(state, event);
    samples.push((performance.now() - t0) * 1000);
  }
  const cpu = process.cpuUsage(cpu0);
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  const p99 = percentile(
    samples.sort((a, b) => a - b),
    99,
  );
  const cpuMeanUs = (cpu.user + cpu.system) / samples.length;
  return { iterations: samples.length, meanUs: mean, p99Us: p99, cpuMeanUs, effects };
}

function arrival(id: string, model: number, at: number): Event {
  return { type: "requestArrived", id, model: modelId(model), at };
}

function modelId(i: number): string {
  return `m${String(i).padStart(4, "0")}`;
}
