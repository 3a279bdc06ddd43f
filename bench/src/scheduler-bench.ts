/**
 * The scheduler bench as a library: replays every trace of the suite through the core under
 * every scheduler and planner setting, then runs the step-time microbench, and renders both
 * as text. `scheduler.ts` is the command-line entry; the smoke test calls this directly.
 */
import { measure, type RunMetrics } from "./sim/metrics.ts";
import {
  buildConfig,
  PLANNER_SETTINGS,
  type PlannerSetting,
  plannerLabel,
  SCHEDULER_SETTINGS,
} from "./sim/settings.ts";
import { standardTraces } from "./sim/suite.ts";
import { simulate } from "./sim/world.ts";
import { measureStepTime, type StepTimeReport } from "./step-time.ts";
import { fixed, formatTable } from "./table.ts";

export interface SchedulerBenchOptions {
  /** Tiny counts, for CI. */
  readonly smoke: boolean;
  readonly seed: number;
  /** Per scheduler, wall time allowed for building the step-time queue (ms). */
  readonly buildBudgetMs?: number;
}

export interface SchedulerRow {
  readonly trace: string;
  readonly planner: PlannerSetting;
  readonly plannerLabel: string;
  readonly scheduler: string;
  readonly metrics: RunMetrics;
}

export interface SchedulerBenchReport {
  readonly smoke: boolean;
  readonly seed: number;
  readonly traces: readonly {
    readonly name: string;
    readonly description: string;
    readonly requests: number;
  }[];
  readonly rows: readonly SchedulerRow[];
  readonly stepTime: StepTimeReport;
}

export const WHAT_IT_MEASURES = [
  "Scheduler bench: replays request traces through @hotswap/core in a simulated world (seeded,",
  "deterministic; simulated time, so figures do not depend on this machine) and reports, per",
  "trace, planner and scheduler: swaps (process starts), mean, p99 and max wait (arrival to grant),",
  "worst bypass (most later arrivals granted before one request), rejections and makespan.",
  "x serial = the figure divided by strict serial's under the same trace and planner.",
  "Then the step-time microbench: wall time of one step() with 1,000 models as the queue grows.",
];

/**
 * Runs everything. Synchronous; minutes at full size (mostly the step-time queue build),
 * seconds at smoke size.
 */
export function runSchedulerBench(o: SchedulerBenchOptions): SchedulerBenchReport {
  const traces = standardTraces(o.smoke);
  const rows: SchedulerRow[] = [];
  for (const trace of traces) {
    for (const planner of PLANNER_SETTINGS) {
      for (const setting of SCHEDULER_SETTINGS) {
        const config = buildConfig(trace, setting.scheduler, planner);
        const run = simulate(config, trace, {
          seed: o.seed,
          jitter: 0.1,
          maxSteps: 200 * trace.requests.length,
        });
        rows.push({
          trace: trace.name,
          planner,
          plannerLabel: plannerLabel(planner, trace),
          scheduler: setting.name,
          metrics: measure(run),
        });
      }
    }
  }
  const stepTime = measureStepTime(
    o.smoke
      ? {
          models: 50,
          ladder: [100, 500],
          iterations: 50,
          budgetMs: 100,
          buildBudgetMs: o.buildBudgetMs ?? 10_000,
        }
      : {
          models: 1000,
          ladder: [100, 1000, 2500, 5000, 10_000],
          iterations: 2000,
          budgetMs: 1500,
          buildBudgetMs: o.buildBudgetMs ?? 90_000,
        },
  );
  return {
    smoke: o.smoke,
    seed: o.seed,
    traces: traces.map((t) => ({ name: t.name, description: t.description, requests: t.requests.length })),
    rows,
    stepTime,
  };
}

/** Pure. The report as text: what it measures, the trace legend, both tables, any anomalies. */
export function renderReport(report: SchedulerBenchReport): string {
  const legend = report.traces.map((t) => `  ${t.name}: ${t.description}`);
  const anomalies = report.rows.flatMap((r) =>
    r.metrics.anomalies.map((a) => `  ${r.trace} / ${r.plannerLabel} / ${r.scheduler}: ${a}`),
  );
  const st = report.stepTime;
  return [
    ...WHAT_IT_MEASURES,
    "",
    `Traces (seed ${report.seed}${report.smoke ? ", smoke size" : ""}):`,
    ...legend,
    "",
    renderRuns(report.rows),
    "",
    anomalies.length === 0
      ? "Core contract: no anomalies seen."
      : `Core contract anomalies:\n${anomalies.join("\n")}`,
    "",
    `Step time: ${st.models} models (${st.planner} planner), queue of up to ${st.ladder.at(-1)} requests; µs per step`,
    "(mean and p99 wall time per call; cpu = this process's CPU time per call, steadier on a busy machine)",
    `(queue build: ${Object.entries(st.build)
      .map(([name, b]) => `${name} ${b.fed} arrivals in ${fixed(b.ms / 1000, 1)} s`)
      .join(", ")})`,
    renderStepTime(st),
    ...st.budgetNotes.map((n) => `Not reached: ${n}`),
    ...(st.problems.length === 0 ? [] : ["Step-time problems:", ...st.problems.map((p) => `  ${p}`)]),
  ].join("\n");
}

function renderRuns(rows: readonly SchedulerRow[]): string {
  const baseline = new Map<string, RunMetrics>();
  for (const r of rows) if (r.scheduler === "serial") baseline.set(`${r.trace}/${r.planner}`, r.metrics);
  const ratio = (value: number, base: number | undefined) =>
    base === undefined || base === 0 ? "-" : `${fixed(value / base, 2)}x`;
  const cells = rows.map((r) => {
    const m = r.metrics;
    const base = baseline.get(`${r.trace}/${r.planner}`);
    return [
      r.trace,
      r.plannerLabel,
      r.scheduler,
      String(m.swaps),
      ratio(m.swaps, base?.swaps),
      fixed(m.meanWaitMs / 1000, 2),
      ratio(m.meanWaitMs, base?.meanWaitMs),
      fixed(m.p99WaitMs / 1000, 2),
      fixed(m.maxWaitMs / 1000, 2),
      String(m.worstBypass),
      String(m.rejected),
      fixed(m.makespanMs / 1000, 1),
      fixed((m.stepWallMs * 1000) / Math.max(1, m.steps), 1),
    ];
  });
  const right = (header: string) => ({ header, align: "right" as const });
  const left = (header: string) => ({ header, align: "left" as const });
  return formatTable(
    [
      left("trace"),
      left("planner"),
      left("scheduler"),
      right("swaps"),
      right("x serial"),
      right("mean wait s"),
      right("x serial"),
      right("p99 wait s"),
      right("max wait s"),
      right("worst bypass"),
      right("rejected"),
      right("makespan s"),
      right("µs/step"),
    ],
    cells,
  );
}

function renderStepTime(st: StepTimeReport): string {
  return formatTable(
    [
      { header: "scheduler", align: "left" },
      { header: "queued", align: "right" },
      { header: "event", align: "left" },
      { header: "iterations", align: "right" },
      { header: "mean µs", align: "right" },
      { header: "p99 µs", align: "right" },
      { header: "cpu µs", align: "right" },
      { header: "effects/step", align: "right" },
    ],
    st.rows.map((r) => [
      r.scheduler,
      String(r.queued),
      r.event,
      String(r.iterations),
      fixed(r.meanUs, 1),
      fixed(r.p99Us, 1),
      fixed(r.cpuMeanUs, 1),
      String(r.effects),
    ]),
  );
}
