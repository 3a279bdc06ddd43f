/**
 * Figures of merit for one simulated run. Wait = arrival to grant (granted requests only).
 * Bypass of a request = how many requests that arrived after it were granted before it;
 * the worst bypass is the maximum over granted requests (what `maxBypass` bounds).
 */
import { percentile } from "../percentile.ts";
import type { RequestOutcome, RunRecord } from "./run-record.ts";

export interface RunMetrics {
  readonly requests: number;
  readonly granted: number;
  readonly rejected: number;
  /** Requests that got no answer at all (a core bug when > 0). */
  readonly unanswered: number;
  /** startProcess effects: every start is a swap (the first load of each model included). */
  readonly swaps: number;
  readonly meanWaitMs: number;
  readonly p50WaitMs: number;
  readonly p99WaitMs: number;
  readonly maxWaitMs: number;
  readonly worstBypass: number;
  /** First arrival to the last answer or finished serve. */
  readonly makespanMs: number;
  readonly steps: number;
  readonly stepWallMs: number;
  readonly anomalies: readonly string[];
}

/** Pure. Summarises a run. */
export function measure(run: RunRecord): RunMetrics {
  const waits = run.requests
    .filter((r) => r.grantedAt !== undefined)
    .map((r) => r.grantedAt! - r.arrivedAt)
    .sort((a, b) => a - b);
  const rejected = run.requests.filter((r) => r.rejectedAt !== undefined).length;
  return {
    requests: run.requests.length,
    granted: waits.length,
    rejected,
    unanswered: run.requests.length - waits.length - rejected,
    swaps: run.starts,
    meanWaitMs: waits.length === 0 ? 0 : waits.reduce((sum, w) => sum + w, 0) / waits.length,
    p50WaitMs: percentile(waits, 50),
    p99WaitMs: percentile(waits, 99),
    maxWaitMs: waits.at(-1) ?? 0,
    worstBypass: worstBypass(run.requests),
    makespanMs: makespan(run.requests),
    steps: run.steps,
    stepWallMs: run.stepWallMs,
    anomalies: run.anomalies,
  };
}

/**
 * Pure. The largest number of later arrivals granted before one request, in O(n log n):
 * walk arrivals from last to first, counting (with a Fenwick tree over grant order) the
 * already-seen (so later-arriving) requests whose grant came first.
 */
export function worstBypass(requests: readonly RequestOutcome[]): number {
  const byArrival = requests
    .filter((r) => r.grantIndex !== undefined)
    .sort((a, b) => b.arrivalIndex - a.arrivalIndex);
  const size = requests.length + 1;
  const tree = new Array<number>(size + 1).fill(0);
  let worst = 0;
  for (const r of byArrival) {
    const g = r.grantIndex! + 1;
    let before = 0;
    for (let i = g - 1; i > 0; i -= i & -i) before += tree[i]!;
    worst = Math.max(worst, before);
    for (let i = g; i <= size; i += i & -i) tree[i] = tree[i]! + 1;
  }
  return worst;
}

function makespan(requests: readonly RequestOutcome[]): number {
  if (requests.length === 0) return 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const r of requests) {
    first = Math.min(first, r.arrivedAt);
    last = Math.max(last, r.finishedAt ?? r.rejectedAt ?? r.arrivedAt);
  }
  return last - first;
}
