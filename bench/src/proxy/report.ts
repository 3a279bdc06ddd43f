/**
 * What every proxy bench shares: machine facts, the results directory, JSON output and the
 * target verdicts (printed as pass/miss, never asserted).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "../table.ts";

export const RESULTS_DIR = fileURLToPath(new URL("../../results/", import.meta.url));

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the bench started (the machine is shared). */
  readonly loadAvg1: number;
}

export function machineInfo(): Machine {
  const list = cpus();
  return {
    nproc: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvg1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function machineLine(m: Machine): string {
  return `machine: ${m.nproc} CPUs (${m.cpuModel}), Node ${m.node}, load ${m.loadAvg1}`;
}

/** Writes `report` as `bench/results/<name>.json`; returns the path. */
export function writeReport(name: string, report: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/** A target from the issue and how the run did against it. */
export interface Verdict {
  readonly target: string;
  /** What was measured, formatted. */
  readonly measured: string;
  /** null: not measured in this run (a path skipped, or smoke counts). */
  readonly pass: boolean | null;
}

export function verdict(target: string, measured: string, pass: boolean | null): Verdict {
  return { target, measured, pass };
}

export function verdictTable(verdicts: readonly Verdict[]): string {
  return formatTable(
    [
      { header: "target", align: "left" },
      { header: "measured", align: "left" },
      { header: "result", align: "left" },
    ],
    verdicts.map((v) => [v.target, v.measured, v.pass === null ? "n/a" : v.pass ? "pass" : "MISS"]),
  );
}

export interface BenchArgs {
  readonly smoke: boolean;
  readonly profile: boolean;
  readonly noInstall: boolean;
}

/** `--smoke` (tiny counts), `--profile` (overhead: CPU profile of the proxy at c=64), `--no-install`. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  return {
    smoke: argv.includes("--smoke"),
    profile: argv.includes("--profile"),
    noInstall: argv.includes("--no-install"),
  };
}

/** Cell text for a number that may be missing. */
export function cell(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? "-" : value.toFixed(digits);
}
