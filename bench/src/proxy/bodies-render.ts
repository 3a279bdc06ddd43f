/** The large-bodies bench's same-run comparison as a table and as shown (unjudged) verdicts. */
import { formatTable } from "../table.ts";
import type { ComparedRow, Comparison } from "./bodies-compare.ts";
import { cell, type Verdict, verdict } from "./report.ts";

function mode(row: ComparedRow): string {
  return row.largeRate === null ? "closed" : `${row.largeRate}/s`;
}

/** One row per path and mode: each pair's ratio, then the medians. */
export function renderComparison(compared: Comparison, sizeMb: number): string {
  const table = formatTable(
    [
      { header: "path", align: "left" },
      { header: "large", align: "right" },
      { header: "offered", align: "right" },
      { header: "pairs: loaded p99 / idle p99", align: "right" },
      { header: "median", align: "right" },
      { header: "idle p99 ms", align: "right" },
      { header: "loaded p99 ms", align: "right" },
      { header: "large/s", align: "right" },
      { header: "non-2xx", align: "right" },
    ],
    compared.rows.map((r) => [
      r.path,
      `${sizeMb} MB`,
      mode(r),
      r.pairs.map((p) => cell(p.ratio, 2)).join(" "),
      cell(r.medianRatio, 2),
      cell(r.medianIdleP99Ms, 2),
      cell(r.medianLoadedP99Ms, 2),
      cell(r.medianLargePerS, 1),
      String(r.pairs.reduce((n, p) => n + p.non2xx, 0)),
    ]),
  );
  return [
    `same run, idle/loaded pairs interleaved across paths (medians over the pairs; ${compared.nginxNote}):`,
    table,
  ].join("\n");
}

/** Shown, not judged: each mode's median ratio per path, the baselines beside hotswap. */
export function comparedVerdicts(compared: Comparison | null, fixedMbPerS: number): Verdict[] {
  if (compared === null) return [];
  const line = (closed: boolean): string =>
    compared.rows
      .filter((r) => (r.largeRate === null) === closed)
      .map((r) => `${r.path} ${cell(r.medianRatio, 2)} x`)
      .join(", ");
  return [
    verdict("  same-run baselines, alternated pairs, closed loop (median p99 / idle)", line(true), null),
    verdict(`  the same at a fixed ${fixedMbPerS} MB/s of large bodies`, line(false), null),
  ];
}
