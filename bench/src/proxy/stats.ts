/** Small pure helpers for latency samples. */
import { percentile } from "../percentile.ts";

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Pure. Summary of raw samples (any order; the input is not modified). */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const list = Array.from(sorted);
  let sum = 0;
  for (const v of list) sum += v;
  return {
    count: list.length,
    p50: percentile(list, 50),
    p99: percentile(list, 99),
    max: list.length === 0 ? 0 : list[list.length - 1]!,
    mean: list.length === 0 ? 0 : sum / list.length,
  };
}

/** Pure. `a / b`, or null when `b` is 0 (a ratio that cannot be formed). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** Pure. Rounds for JSON output (keeps reports readable). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Pure. The median of the known values (the lower middle one for an even count); null if none. */
export function median(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return known.length === 0 ? null : (known[Math.floor((known.length - 1) / 2)] as number);
}
