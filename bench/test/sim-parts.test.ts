import { describe, expect, it } from "vitest";
import { percentile } from "../src/percentile.ts";
import { EventQueue } from "../src/sim/event-queue.ts";
import { worstBypass } from "../src/sim/metrics.ts";
import { mulberry32, zipf } from "../src/sim/prng.ts";
import type { RequestOutcome } from "../src/sim/run-record.ts";
import { roundRobinTrace } from "../src/sim/traces.ts";

function outcomes(grantOrder: readonly number[]): RequestOutcome[] {
  // grantOrder[k] = arrival index of the k-th request granted.
  const list: RequestOutcome[] = grantOrder.map((_, i) => ({
    id: `r${i}`,
    model: "A",
    arrivedAt: i,
    arrivalIndex: i,
  }));
  grantOrder.forEach((arrival, k) => {
    list[arrival]!.grantIndex = k;
    list[arrival]!.grantedAt = 100 + k;
  });
  return list;
}

function bruteBypass(list: readonly RequestOutcome[]): number {
  let worst = 0;
  for (const r of list) {
    if (r.grantIndex === undefined) continue;
    const n = list.filter(
      (q) => q.arrivalIndex > r.arrivalIndex && q.grantIndex !== undefined && q.grantIndex < r.grantIndex!,
    ).length;
    worst = Math.max(worst, n);
  }
  return worst;
}

describe("sim metrics", () => {
  it("worstBypass: counts the later arrivals granted before a request", () => {
    expect(worstBypass(outcomes([0, 1, 2, 3]))).toBe(0);
    expect(worstBypass(outcomes([1, 2, 0, 3]))).toBe(2);
    expect(worstBypass(outcomes([3, 2, 1, 0]))).toBe(3);
  });

  it("worstBypass: ignores requests never granted and agrees with a brute-force count", () => {
    const random = mulberry32(7);
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(random() * 40);
      const order = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
      const list = outcomes(order);
      for (const r of list) {
        if (random() < 0.2) {
          delete r.grantIndex;
          delete r.grantedAt;
        }
      }
      expect(worstBypass(list)).toBe(bruteBypass(list));
    }
  });

  it("percentile: nearest rank, 0 for no samples", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 99)).toBe(0);
  });
});

describe("sim plumbing", () => {
  it("event queue: pops by time, equal times in push order", () => {
    const q = new EventQueue<string>();
    q.push(5, "c");
    q.push(1, "a");
    q.push(5, "d");
    q.push(1, "b");
    q.push(3, "x");
    const out: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(`${e.at}${e.item}`);
    expect(out).toEqual(["1a", "1b", "3x", "5c", "5d"]);
  });

  it("mulberry32: one seed replays one sequence in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });

  it("zipf: lower indices are more popular", () => {
    const next = zipf(mulberry32(1), 8, 1.2);
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 20_000; i++) counts[next()]!++;
    expect(counts[0]!).toBeGreaterThan(counts[1]!);
    expect(counts[1]!).toBeGreaterThan(counts[7]!);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it("roundRobinTrace: A B C A B C all at t=0 in round-robin order", () => {
    const trace = roundRobinTrace({
      name: "t",
      models: 3,
      rounds: 2,
      gapMs: 0,
      loadMs: 10,
      serviceMs: 5,
      concurrencyLimit: 4,
      memoryMiB: 1,
      deviceMiB: 2,
    });
    expect(trace.requests.map((r) => r.model).join("")).toBe("ABCABC");
    expect(trace.requests.every((r) => r.at === 0)).toBe(true);
  });
});
