/**
 * The proxy benches' smoke variants, run in-process (their servers and load generators are
 * real child processes on 127.0.0.1), so the benches cannot rot. Structural assertions only:
 * every request answered, every chunk delivered, the JSON written with its fields. Never
 * timings: the machine is shared.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type BenchReport, executeBench, type ProxyBench } from "../src/proxy/bench-main.ts";
import { bodiesBench } from "../src/proxy/bodies.ts";
import { overheadBench } from "../src/proxy/overhead.ts";
import { streamingBench } from "../src/proxy/streaming.ts";
import { swapBench } from "../src/proxy/swap.ts";

const SMOKE = { smoke: true, profile: false, noInstall: true } as const;
const quiet = (): void => {};

async function smoke<R extends BenchReport>(
  bench: ProxyBench<R>,
): Promise<{ report: R; json: Record<string, unknown> }> {
  const { report, path } = await executeBench(bench, SMOKE, quiet, quiet);
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  expect(json).toMatchObject({ bench: bench.name, smoke: true });
  expect(json).toHaveProperty("machine.nproc");
  expect(json).toHaveProperty("machine.node");
  expect(Array.isArray(json.verdicts)).toBe(true);
  return { report, json };
}

describe("proxy benches (smoke)", () => {
  test("overhead smoke: every path answers every request at c=1 and c=16, ratios and JSON written", async () => {
    const { report, json } = await smoke(overheadBench);
    const paths = report.nginx.used
      ? ["direct", "nginx", "tcp-relay", "node-floor", "hotswap"]
      : ["direct", "tcp-relay", "node-floor", "hotswap"];
    expect(report.rows.map((r) => `${r.path}@${r.connections}`).sort()).toEqual(
      [1, 16].flatMap((c) => paths.map((p) => `${p}@${c}`)).sort(),
    );
    for (const row of report.rows) {
      expect(row.requests, `${row.path}@${row.connections}`).toBeGreaterThan(0);
      expect(row.statuses).toEqual({ 200: row.requests });
      expect(row.errors + row.timeouts).toBe(0);
    }
    expect(report.rows.find((r) => r.path === "hotswap")?.proxy?.samples).toBeGreaterThan(0);
    expect(report.ratios.map((r) => r.connections)).toEqual([1, 16]);
    expect(report.ratios[0]?.rpsHotswapOverDirect).not.toBeNull();
    expect(report.ratios[0]?.rpsHotswapOverNodeFloor).not.toBeNull();
    // Every proxy path (not direct) against direct, at both concurrencies.
    expect(report.againstDirect.map((r) => `${r.path}@${r.connections}`).sort()).toEqual(
      [1, 16].flatMap((c) => paths.filter((p) => p !== "direct").map((p) => `${p}@${c}`)).sort(),
    );
    for (const r of report.againstDirect) expect(r.rpsOverDirect, r.path).toBeGreaterThan(0);
    expect(json).toHaveProperty("rows");
    expect(json).toHaveProperty("ratios");
    expect(json).toHaveProperty("againstDirect");
  });

  test("streaming smoke: every stream delivers every chunk directly and through hotswap", async () => {
    const { report, json } = await smoke(streamingBench);
    expect(report.rows.map((r) => `${r.path}@${r.streams}`)).toEqual([
      "direct@1",
      "hotswap@1",
      "direct@20",
      "hotswap@20",
    ]);
    for (const row of report.rows) {
      expect(row.errors, row.firstErrors.join("; ")).toBe(0);
      expect(row.deliveredChunks).toBe(row.expectedChunks);
      expect(row.completeStreams).toBe(row.streams);
    }
    expect(report.rows.find((r) => r.path === "hotswap")?.proxy?.peakRssMb).toBeGreaterThan(0);
    expect(json).toHaveProperty("chunkIntervalMs");
  });

  test("bodies smoke: large bodies are rewritten and every small and large request is answered, pool and inline", async () => {
    const { report, json } = await smoke(bodiesBench);
    expect(report.rows.map((r) => `${r.variant}@${r.largeMb}@${r.largeRate ?? "closed"}`)).toEqual([
      "pool (default threshold)@0@closed",
      "pool (default threshold)@1@closed",
      "pool (default threshold)@1@100",
      "forced inline@0@closed",
      "forced inline@1@closed",
      "forced inline@1@100",
    ]);
    for (const row of report.rows) {
      expect(row.small.requests).toBeGreaterThan(0);
      expect(row.small.statuses).toEqual({ 200: row.small.requests });
      if (row.largeMb > 0) {
        expect(row.large?.requests).toBeGreaterThan(0);
        expect(row.large?.statuses).toEqual({ 200: row.large?.requests });
      }
    }
    for (const check of report.upstreamReceived) {
      expect(check.status).toBe(200);
      // stripParams removed temperature and top_p, setParams added top_k: a little shorter.
      expect(check.receivedBytes).toBeGreaterThan(check.sentBytes - 100);
      expect(check.receivedBytes).toBeLessThan(check.sentBytes);
    }
    expect(json).toHaveProperty("upstreamReceived");
    // One idle/loaded pair per path and mode in a smoke run, each ratio from two real windows.
    expect(report.alternated?.ratios).toHaveLength(1);
    expect(report.alternated?.median).toBeGreaterThan(0);
    const nginxUsed = !report.compared?.nginxNote.startsWith("nginx skipped");
    const paths = nginxUsed ? ["direct", "nginx", "hotswap"] : ["direct", "hotswap"];
    expect(report.compared?.rows.map((r) => `${r.path}@${r.largeRate ?? "closed"}`)).toEqual([
      ...paths.map((p) => `${p}@closed`),
      ...paths.map((p) => `${p}@100`),
    ]);
    for (const row of report.compared?.rows ?? []) {
      expect(row.pairs).toHaveLength(1);
      expect(row.pairs[0]?.non2xx).toBe(0);
      expect(row.pairs[0]?.largePerS).toBeGreaterThan(0);
      expect(row.medianRatio).toBeGreaterThan(0);
    }
    // The closed-loop hotswap row is the alternated figure.
    expect(report.alternated?.median).toBe(
      report.compared?.rows.find((r) => r.path === "hotswap")?.medianRatio,
    );
    expect(report.verdicts.map((v) => v.target)).toEqual(
      expect.arrayContaining([
        "  the same, idle and loaded windows alternated once (pool (default threshold))",
        "  same-run baselines, alternated pairs, closed loop (median p99 / idle)",
        "  the same at a fixed 100 MB/s of large bodies",
      ]),
    );
    expect(json).toHaveProperty("compared.rows");
  });

  test("swap smoke: alternating models are each started, answered, and timed from the upstream's milestones", async () => {
    const { report, json } = await smoke(swapBench);
    expect(report.scenarios.map((s) => s.scenario)).toEqual(["silent", "ready line"]);
    for (const { rows } of report.scenarios) {
      expect(rows.map((r) => `${r.model}:${r.status}`)).toEqual(["a:200", "b:200", "a:200"]);
      for (const row of rows) {
        expect(row.readyToFirstByteMs).not.toBeNull();
        expect(row.readyToForwardMs).not.toBeNull();
        expect(row.pollGapMs).not.toBeNull();
        expect(row.ttfbMs).toBeGreaterThanOrEqual(report.startupDelayMs);
      }
      expect(rows.slice(1).every((r) => r.stopToStartMs !== null && r.decisionMs !== null)).toBe(true);
    }
    expect(json).toHaveProperty("scenarios.1.summary.readyToFirstByteMs.p50");
    expect(json).toHaveProperty("scenarios.1.summary.readyToForwardMs.max");
  });
});
