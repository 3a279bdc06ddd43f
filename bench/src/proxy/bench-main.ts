/**
 * The shape every proxy bench shares and the shell that runs one from the command line:
 * print what it measures, run it, print its tables and verdicts, write its JSON.
 */
import {
  type BenchArgs,
  type Machine,
  machineInfo,
  machineLine,
  parseBenchArgs,
  type Verdict,
  verdictTable,
  writeReport,
} from "./report.ts";

export interface BenchReport {
  readonly bench: string;
  readonly smoke: boolean;
  readonly machine: Machine;
  readonly startedAt: string;
  readonly verdicts: readonly Verdict[];
}

export interface ProxyBench<R extends BenchReport> {
  readonly name: string;
  /** Printed first: what the bench measures and how. */
  readonly description: string;
  run(args: BenchArgs, log: (line: string) => void): Promise<R>;
  /** Aligned tables (without the verdicts). */
  render(report: R): string;
}

/** Progress lines go to stderr so stdout holds only the description, tables and verdicts. */
export const progress = (line: string): void => {
  process.stderr.write(`  .. ${line}\n`);
};

/** Common report fields. */
export function reportBase(bench: string, args: BenchArgs): Omit<BenchReport, "verdicts"> {
  return { bench, smoke: args.smoke, machine: machineInfo(), startedAt: new Date().toISOString() };
}

/** Full text of a finished bench: tables, then verdicts. */
export function renderWithVerdicts<R extends BenchReport>(bench: ProxyBench<R>, report: R): string {
  return `${bench.render(report)}\n\ntargets:\n${verdictTable(report.verdicts)}\n`;
}

/**
 * Runs `bench`, writes `results/<name>[-smoke].json` and resolves with the report and the
 * JSON's path; `print` gets the description first, then the tables and verdicts.
 */
export async function executeBench<R extends BenchReport>(
  bench: ProxyBench<R>,
  args: BenchArgs,
  print: (text: string) => void,
  log: (line: string) => void = progress,
): Promise<{ report: R; path: string }> {
  print(`${bench.description}\n${machineLine(machineInfo())}\n\n`);
  const report = await bench.run(args, log);
  print(renderWithVerdicts(bench, report));
  const path = writeReport(`${bench.name}${args.smoke ? "-smoke" : ""}`, report);
  print(`\nJSON: ${path}\n`);
  return { report, path };
}

/** Runs `bench` as a CLI with `process.argv`. */
export async function runBenchCli<R extends BenchReport>(bench: ProxyBench<R>): Promise<void> {
  await executeBench(bench, parseBenchArgs(process.argv.slice(2)), (t) => process.stdout.write(t));
}
