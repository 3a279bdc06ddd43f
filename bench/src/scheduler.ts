/**
 * Command-line entry of the scheduler bench:
 *   node src/scheduler.ts [--smoke] [--seed N] [--build-budget-s S]
 * (--build-budget-s: wall time per scheduler for building the step-time queue, default 90).
 * Prints what it measures, the tables, and writes the full report as JSON to
 * bench/results/scheduler.json (scheduler-smoke.json with --smoke). Exit code 1 when the
 * core breached its contract in any run or mutated a state it was given, so CI notices; a
 * step-time queue cut short by its budget is reported, not failed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { renderReport, runSchedulerBench } from "./scheduler-bench.ts";

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    "build-budget-s": { type: "string" },
  },
});
const smoke = values.smoke;
const seed = Number(values.seed);
const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown", node: process.version };

const budget = values["build-budget-s"];
const report = runSchedulerBench({
  smoke,
  seed,
  ...(budget ? { buildBudgetMs: Number(budget) * 1000 } : {}),
});
console.log(renderReport(report));
console.log(`\nMachine: ${machine.cpus} CPUs, ${machine.model}, Node ${machine.node}`);

const dir = new URL("../results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(smoke ? "scheduler-smoke.json" : "scheduler.json", dir);
writeFileSync(file, `${JSON.stringify({ machine, ...report }, null, 2)}\n`);
console.log(`JSON: ${file.pathname}`);

const broken = report.rows.some((r) => r.metrics.anomalies.length > 0) || report.stepTime.problems.length > 0;
if (broken) process.exitCode = 1;
