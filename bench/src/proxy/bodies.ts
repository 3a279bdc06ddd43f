/**
 * Large-bodies bench: small-request latency through hotswap while multi-MB JSON bodies are
 * being read and rewritten, with the piscina rewrite threshold at its default and forced
 * inline. `pnpm bench:bodies [--smoke]`
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@hotswap/testkit";
import { formatTable } from "../table.ts";
import { type BenchReport, type ProxyBench, reportBase, runBenchCli } from "./bench-main.ts";
import { type Comparison, compareBodies } from "./bodies-compare.ts";
import { comparedVerdicts, renderComparison } from "./bodies-render.ts";
import { measureWindow } from "./bodies-windows.ts";
import { configYaml } from "./configs.ts";
import { CHAT_PATH, postJson, warm } from "./http-client.ts";
import type { HttpLoadResult } from "./http-load-client.ts";
import type { ProcUsage } from "./proc-stats.ts";
import { cell, type Verdict, verdict } from "./report.ts";
import { fastUpstreamArgv, type RunningHotswap, startHotswap } from "./servers.ts";
import { ratio, round } from "./stats.ts";

const DESCRIPTION = `bodies: small chat requests (8 connections, autocannon in a separate process) through hotswap,
idle and while 2 connections keep sending large JSON bodies (a base64 image field) to the
same model, whose config has filters (stripParams temperature, top_p; setParams top_k), so
every large body is parsed and rewritten. Two proxies: rewrite threshold at the default
(large bodies go to the piscina pool) and forced inline (threshold = infinity, via
bench/src/proxy/hotswap-launcher.ts: the CLI has no flag for it). Small-request p50/p99
under load versus idle; large bodies/s; proxy CPU and peak RSS. Each size runs twice: closed
loop (the 2 large-body connections send again as soon as answered, so a faster proxy gets
more data to carry) and at a fixed offered rate of 100 MB/s of large bodies
(the same load for every proxy version). After its rows, the biggest size is measured again
as 3 pairs of 5 s windows, idle then loaded, closed loop and fixed rate, on three paths in
turn: the upstream reached directly, nginx in front of it (no rewriting: it only carries the
bytes) and hotswap's pool variant; the median of each path's pair ratios is shown (one idle
window's p99 moves a lot between runs on a shared machine, and the first idle window runs
on a proxy that is still warming up). These same-run baselines show what the machine
itself allows under each load.`;

const MODEL = "bodies";
/** The fixed-rate rows offer this many MB of large bodies per second (20 MB: 5 bodies/s). */
const FIXED_MB_PER_S = 100;
/** Idle/loaded window pairs per path and mode for the compared figures, and each window's length. */
const ALTERNATIONS = 3;
const ALTERNATION_S = 5;

export type Variant = "pool (default threshold)" | "forced inline";

export interface BodiesRow {
  readonly variant: Variant;
  /** 0 = idle (no large bodies). */
  readonly largeMb: number;
  /** Large bodies offered per second; null = closed loop (as fast as answered). */
  readonly largeRate: number | null;
  readonly small: HttpLoadResult;
  readonly large: HttpLoadResult | null;
  readonly proxy: ProcUsage;
  /** small p99 / idle small p99 of the same variant. */
  readonly p99OverIdle: number | null;
}

export interface BodiesReport extends BenchReport {
  readonly durationS: number;
  readonly sizesMb: readonly number[];
  /** Bytes the upstream received for one large body of each size (rewritten), per variant. */
  readonly upstreamReceived: ReadonlyArray<{
    variant: Variant;
    sentBytes: number;
    receivedBytes: number;
    status: number;
  }>;
  readonly rows: readonly BodiesRow[];
  /**
   * The pool variant at the biggest size, closed loop, measured again as `ALTERNATIONS`
   * pairs of an idle window then a loaded one: each pair's p99 ratio, and their median (the
   * hotswap closed-loop row of `compared`). One idle window's p99 moves a lot from run to
   * run on a shared machine; a ratio taken within each pair, and the median of those, moves
   * less. Shown, not judged.
   */
  readonly alternated: { readonly ratios: readonly (number | null)[]; readonly median: number | null } | null;
  /** The same pairs for direct, nginx and hotswap, closed loop and fixed rate (bodies-compare.ts). */
  readonly compared: Comparison | null;
}

/** A chat body of about `mb` MB with a base64 image and the params the filters strip. */
function largeBody(mb: number): string {
  const base64Chars = Math.max(0, Math.floor(mb * 1_000_000) - 300);
  const image = randomBytes(Math.ceil((base64Chars * 3) / 4))
    .toString("base64")
    .slice(0, base64Chars);
  return JSON.stringify({
    model: MODEL,
    temperature: 0.7,
    top_p: 0.9,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "what is in this picture?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${image}` } },
        ],
      },
    ],
  });
}

async function startVariant(variant: Variant, port: number): Promise<RunningHotswap> {
  const proxy = await startHotswap({
    configYaml: configYaml({
      models: [
        {
          id: MODEL,
          argv: [process.execPath, ...fastUpstreamArgv(port)],
          port,
          stripParams: ["temperature", "top_p"],
          setParams: { top_k: 1 },
        },
      ],
    }),
    inlineThreshold: variant === "forced inline" ? "inf" : "default",
    keepLines: 200,
  });
  await warm(proxy.url, MODEL);
  return proxy;
}

/** One window against `proxy`: small requests, with `largeFile` beside them unless null. */
async function measure(
  proxy: RunningHotswap,
  durationS: number,
  largeFile: string | null,
  leadS: number,
  largeRate: number | null = null,
): Promise<{ small: HttpLoadResult; large: HttpLoadResult | null; proxy: ProcUsage }> {
  const large = largeFile === null ? null : { file: largeFile, rate: largeRate, leadS };
  const window = await measureWindow({ url: proxy.url, pid: proxy.pid }, MODEL, durationS, large);
  // Never null here: hotswap has a pid to sample.
  if (window.proxy === null) throw new Error("no proxy usage for hotswap");
  return { small: window.small, large: window.large, proxy: window.proxy };
}

async function run(
  args: { smoke: boolean; profile: boolean; noInstall: boolean },
  log: (l: string) => void,
): Promise<BodiesReport> {
  const base = reportBase("bodies", { ...args });
  const sizesMb = args.smoke ? [1] : [5, 20];
  // 10 s: a 20 MB body takes ~1 s to get through, so 5 s windows hold too few of them.
  const durationS = args.smoke ? 0.5 : 10;
  const dir = mkdtempSync(join(tmpdir(), "hotswap-bench-bodies-"));
  const files = sizesMb.map((mb) => {
    const path = join(dir, `body-${mb}mb.json`);
    writeFileSync(path, largeBody(mb));
    return path;
  });
  const rows: BodiesRow[] = [];
  let compared: Comparison | null = null;
  const upstreamReceived: BodiesReport["upstreamReceived"][number][] = [];
  for (const variant of ["pool (default threshold)", "forced inline"] as const) {
    const proxy = await startVariant(variant, await freePort());
    try {
      const check = largeBody(sizesMb[0]!);
      const res = await postJson(`${proxy.url}${CHAT_PATH}`, check);
      const received = Number(res.headers["x-bench-body-bytes"] ?? -1);
      upstreamReceived.push({
        variant,
        sentBytes: check.length,
        receivedBytes: received,
        status: res.status,
      });
      log(`${variant}: idle`);
      const idle = await measure(proxy, durationS, null, 0);
      rows.push({ variant, largeMb: 0, largeRate: null, ...idle, p99OverIdle: 1 });
      for (const [i, mb] of sizesMb.entries()) {
        for (const largeRate of [null, FIXED_MB_PER_S / mb]) {
          log(`${variant}: ${mb} MB bodies, ${largeRate === null ? "closed loop" : `${largeRate}/s`}`);
          const loaded = await measure(proxy, durationS, files[i]!, args.smoke ? 0.2 : 0.5, largeRate);
          const r = ratio(loaded.small.latencyMs.p99, idle.small.latencyMs.p99);
          rows.push({
            variant,
            largeMb: mb,
            largeRate,
            ...loaded,
            p99OverIdle: r === null ? null : round(r, 2),
          });
        }
      }
      // After the rows, so that they are measured exactly as before this figure existed.
      if (variant === "pool (default threshold)") {
        compared = await compareBodies(
          {
            hotswap: { url: proxy.url, pid: proxy.pid },
            model: MODEL,
            largeFile: files.at(-1)!,
            fixedRate: FIXED_MB_PER_S / sizesMb.at(-1)!,
            pairs: args.smoke ? 1 : ALTERNATIONS,
            windowS: args.smoke ? 0.5 : ALTERNATION_S,
            leadS: args.smoke ? 0.2 : 0.5,
            installNginx: !args.noInstall,
          },
          log,
        );
      }
    } finally {
      await proxy.stop();
    }
  }
  const closedHotswap = compared?.rows.find((r) => r.path === "hotswap" && r.largeRate === null);
  const alternated: BodiesReport["alternated"] =
    closedHotswap === undefined
      ? null
      : { ratios: closedHotswap.pairs.map((p) => p.ratio), median: closedHotswap.medianRatio };
  return {
    ...base,
    durationS,
    sizesMb,
    upstreamReceived,
    rows,
    alternated,
    compared,
    verdicts: verdicts(rows, sizesMb, args.smoke, alternated, compared),
  };
}

function verdicts(
  rows: readonly BodiesRow[],
  sizes: readonly number[],
  smoke: boolean,
  alternated: BodiesReport["alternated"],
  compared: Comparison | null,
): Verdict[] {
  const biggest = Math.max(...sizes);
  const alternatedVerdict = verdict(
    `  the same, idle and loaded windows alternated ${smoke ? "once" : `${ALTERNATIONS} times`} (pool (default threshold))`,
    alternated?.median == null
      ? "-"
      : `median ${alternated.median.toFixed(2)} x idle (${alternated.ratios.map((r) => cell(r, 2)).join(", ")})`,
    null,
  );
  const judged = (["pool (default threshold)", "forced inline"] as const).flatMap((variant) => {
    const at = (fixed: boolean): number | null =>
      rows.find((r) => r.variant === variant && r.largeMb === biggest && (r.largeRate !== null) === fixed)
        ?.p99OverIdle ?? null;
    const closed = at(false);
    const fixed = at(true);
    return [
      verdict(
        `small p99 while 20 MB bodies stream <= 2x idle (${variant})`,
        closed === null ? "-" : `${closed.toFixed(2)} x idle at ${biggest} MB`,
        smoke || closed === null ? null : closed <= 2,
      ),
      // Shown, not judged: the target's own row is the closed loop above.
      ...(variant === "pool (default threshold)" ? [alternatedVerdict] : []),
      verdict(
        `  the same at a fixed ${FIXED_MB_PER_S} MB/s of large bodies (${variant})`,
        fixed === null ? "-" : `${fixed.toFixed(2)} x idle`,
        null,
      ),
    ];
  });
  return [...judged, ...comparedVerdicts(compared, FIXED_MB_PER_S)];
}

function render(report: BodiesReport): string {
  const table = formatTable(
    [
      { header: "variant", align: "left" },
      { header: "large", align: "right" },
      { header: "offered", align: "right" },
      { header: "small req/s", align: "right" },
      { header: "p50 ms", align: "right" },
      { header: "p99 ms", align: "right" },
      { header: "max ms", align: "right" },
      { header: "p99/idle", align: "right" },
      { header: "large/s", align: "right" },
      { header: "large p50 ms", align: "right" },
      { header: "non-2xx", align: "right" },
      { header: "proxy CPU%", align: "right" },
      { header: "peak RSS MB", align: "right" },
    ],
    report.rows.map((r) => [
      r.variant,
      r.largeMb === 0 ? "idle" : `${r.largeMb} MB`,
      r.largeMb === 0 ? "-" : r.largeRate === null ? "closed" : `${r.largeRate}/s`,
      r.small.rps.toFixed(0),
      r.small.latencyMs.p50.toFixed(2),
      r.small.latencyMs.p99.toFixed(2),
      r.small.latencyMs.max.toFixed(1),
      cell(r.p99OverIdle, 2),
      r.large === null ? "-" : r.large.rps.toFixed(1),
      r.large === null ? "-" : r.large.latencyMs.p50.toFixed(1),
      String(r.small.non2xx + (r.large?.non2xx ?? 0)),
      r.proxy.cpuPercent.toFixed(0),
      r.proxy.peakRssMb.toFixed(0),
    ]),
  );
  const check = report.upstreamReceived
    .map((c) => `${c.variant}: sent ${c.sentBytes} B, upstream got ${c.receivedBytes} B (status ${c.status})`)
    .join("\n");
  const parts = [table, "", "one large body, rewritten by the filters:", check];
  if (report.compared !== null)
    parts.push("", renderComparison(report.compared, Math.max(...report.sizesMb)));
  return parts.join("\n");
}

export const bodiesBench: ProxyBench<BodiesReport> = {
  name: "bodies",
  description: DESCRIPTION,
  run,
  render,
};

if (import.meta.main) await runBenchCli(bodiesBench);
