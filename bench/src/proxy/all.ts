/**
 * Runs every bench: overhead (with the CPU profile at c=64 unless --no-profile), streaming,
 * bodies, swap, then the scheduler simulator (`node src/scheduler.ts`, a child process).
 * Writes one JSON report, `bench/results/all.json` (`all-smoke.json` with --smoke), and prints
 * each bench's tables and one verdict table.
 *   pnpm bench:all [--smoke] [--no-profile] [--no-install]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchReport, type ProxyBench, progress, renderWithVerdicts } from "./bench-main.ts";
import { bodiesBench } from "./bodies.ts";
import { spawnChild } from "./children.ts";
import { overheadBench } from "./overhead.ts";
import {
  type BenchArgs,
  machineInfo,
  machineLine,
  parseBenchArgs,
  RESULTS_DIR,
  type Verdict,
  verdictTable,
  writeReport,
} from "./report.ts";
import { streamingBench } from "./streaming.ts";
import { swapBench } from "./swap.ts";

const SCHEDULER_PATH = fileURLToPath(new URL("../scheduler.ts", import.meta.url));

export interface SchedulerOutcome {
  readonly exitCode: number | null;
  readonly stdout: string;
  /** The simulator's own JSON report, as it wrote it. */
  readonly report: unknown;
}

export interface AllReport {
  readonly smoke: boolean;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly startedAt: string;
  readonly benches: Readonly<Record<string, BenchReport | { readonly error: string }>>;
  readonly scheduler: SchedulerOutcome;
  readonly verdicts: ReadonlyArray<Verdict & { readonly bench: string }>;
}

async function runScheduler(smoke: boolean): Promise<SchedulerOutcome> {
  const child = spawnChild(process.execPath, [SCHEDULER_PATH, ...(smoke ? ["--smoke"] : [])], {
    keepLines: 100_000,
  });
  const { code } = await child.exited;
  const stdout = child.lines.map((l) => l.text).join("\n");
  let report: unknown = null;
  try {
    report = JSON.parse(
      readFileSync(join(RESULTS_DIR, smoke ? "scheduler-smoke.json" : "scheduler.json"), "utf8"),
    );
  } catch (err) {
    report = { error: `no scheduler JSON: ${(err as Error).message}` };
  }
  return { exitCode: code, stdout, report };
}

/** Runs everything; `print` receives each bench's text as it finishes. */
export async function runAll(
  args: BenchArgs & { readonly withProfile: boolean },
  print: (text: string) => void,
): Promise<AllReport> {
  const startedAt = new Date().toISOString();
  const benches: Record<string, BenchReport | { error: string }> = {};
  const verdicts: Array<Verdict & { bench: string }> = [];
  const list: ReadonlyArray<ProxyBench<BenchReport>> = [
    overheadBench as unknown as ProxyBench<BenchReport>,
    streamingBench as unknown as ProxyBench<BenchReport>,
    bodiesBench as unknown as ProxyBench<BenchReport>,
    swapBench as unknown as ProxyBench<BenchReport>,
  ];
  for (const bench of list) {
    print(`\n=== ${bench.name} ===\n${bench.description}\n`);
    try {
      const report = await bench.run(
        { ...args, profile: bench.name === "overhead" && args.withProfile },
        progress,
      );
      benches[bench.name] = report;
      verdicts.push(...report.verdicts.map((v) => ({ ...v, bench: bench.name })));
      print(renderWithVerdicts(bench, report));
    } catch (err) {
      // One broken bench must not hide the others' figures.
      benches[bench.name] = { error: (err as Error).stack ?? String(err) };
      print(`${bench.name} FAILED: ${(err as Error).message}\n`);
    }
  }
  print("\n=== scheduler (simulator) ===\n");
  const scheduler = await runScheduler(args.smoke);
  print(`${scheduler.stdout}\n(exit code ${scheduler.exitCode})\n`);
  return { smoke: args.smoke, machine: machineInfo(), startedAt, benches, scheduler, verdicts };
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const args = parseBenchArgs(argv);
  const machine = machineInfo();
  process.stdout.write(`all proxy benches + the scheduler simulator\n${machineLine(machine)}\n`);
  const report = await runAll({ ...args, withProfile: !argv.includes("--no-profile") }, (t) =>
    process.stdout.write(t),
  );
  process.stdout.write(
    `\n=== all targets ===\n${verdictTable(report.verdicts.map((v) => ({ ...v, target: `${v.bench}: ${v.target}` })))}\n`,
  );
  const path = writeReport(args.smoke ? "all-smoke" : "all", report);
  process.stdout.write(`\nJSON: ${path}\n`);
  const failed = Object.values(report.benches).some((b) => "error" in b);
  process.exitCode = failed ? 1 : 0;
}
