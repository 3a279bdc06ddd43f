/**
 * Streaming bench: many concurrent SSE streams through hotswap versus straight to the upstream.
 * `pnpm bench:streaming [--smoke]`
 */

import { freePort } from "@hotswap/testkit";
import { formatTable } from "../table.ts";
import { type BenchReport, type ProxyBench, reportBase, runBenchCli } from "./bench-main.ts";
import { configYaml } from "./configs.ts";
import { CHAT_PATH, warm } from "./http-client.ts";
import { type ProcUsage, sampleProcess } from "./proc-stats.ts";
import { cell, type Verdict, verdict } from "./report.ts";
import { fastUpstreamArgv, startFastUpstream, startHotswap } from "./servers.ts";
import { runStreamLoad, type StreamLoadResult } from "./stream-load-client.ts";

const DESCRIPTION = `streaming: N concurrent SSE chat streams (one connection each, undici Pool in a separate
process) from the fast upstream, directly and through hotswap (model loaded). Per run: frames
delivered out of expected (must be all), time to first frame, gap between frames (p50/p99;
the upstream sends one frame every INTERVAL ms), and the proxy's peak RSS (/proc VmRSS,
sampled every 50 ms) and CPU (utime+stime delta).`;

export interface StreamingRow extends StreamLoadResult {
  readonly path: "direct" | "hotswap";
  readonly proxy?: ProcUsage;
}

export interface StreamingReport extends BenchReport {
  readonly chunks: number;
  readonly chunkIntervalMs: number;
  readonly rows: readonly StreamingRow[];
}

const MODEL = "stream";

function verdicts(rows: readonly StreamingRow[], smoke: boolean): Verdict[] {
  const biggest = Math.max(...rows.map((r) => r.streams));
  const h = rows.find((r) => r.path === "hotswap" && r.streams === biggest);
  const full = !smoke && biggest >= 1000;
  const lost = h ? h.expectedChunks - h.deliveredChunks : null;
  const rss = h?.proxy?.peakRssMb ?? null;
  return [
    verdict(
      "1,000 streams: no lost chunk",
      lost === null ? "-" : `${biggest} streams, ${lost} lost, ${h?.errors ?? 0} errors`,
      full && lost !== null ? lost === 0 && h?.errors === 0 : null,
    ),
    verdict(
      "1,000 streams: proxy RSS <= 250 MB",
      rss === null ? "-" : `${rss.toFixed(0)} MB at ${biggest} streams`,
      full && rss !== null ? rss <= 250 : null,
    ),
  ];
}

async function run(
  args: { smoke: boolean; profile: boolean; noInstall: boolean },
  log: (l: string) => void,
): Promise<StreamingReport> {
  const base = reportBase("streaming", { ...args });
  const chunks = args.smoke ? 20 : 200;
  const chunkIntervalMs = args.smoke ? 5 : 25;
  const counts = args.smoke ? [1, 20] : [1, 100, 1000];
  const direct = await startFastUpstream(chunks, chunkIntervalMs);
  const port = await freePort();
  const proxy = await startHotswap({
    configYaml: configYaml({
      models: [
        { id: MODEL, argv: [process.execPath, ...fastUpstreamArgv(port, chunks, chunkIntervalMs)], port },
      ],
    }),
    keepLines: 200,
  }).catch(async (err: unknown) => {
    await direct.stop();
    throw err;
  });
  const rows: StreamingRow[] = [];
  try {
    await warm(proxy.url, MODEL);
    for (const streams of counts) {
      for (const path of ["direct", "hotswap"] as const) {
        log(`${path}: ${streams} streams x ${chunks} chunks`);
        const url = `${path === "direct" ? direct.url : proxy.url}${CHAT_PATH}`;
        const sampler = path === "hotswap" ? sampleProcess(proxy.pid) : null;
        const result = await runStreamLoad({ url, streams, expectChunks: chunks, model: MODEL });
        rows.push({ path, ...result, ...(sampler ? { proxy: sampler.stop() } : {}) });
      }
    }
  } finally {
    await Promise.all([direct.stop(), proxy.stop()]);
  }
  return { ...base, chunks, chunkIntervalMs, rows, verdicts: verdicts(rows, args.smoke) };
}

function render(report: StreamingReport): string {
  return [
    `${report.chunks} chunks per stream, one every ${report.chunkIntervalMs} ms upstream`,
    formatTable(
      [
        { header: "path", align: "left" },
        { header: "streams", align: "right" },
        { header: "chunks got/expected", align: "right" },
        { header: "errors", align: "right" },
        { header: "TTFC p50", align: "right" },
        { header: "TTFC p99", align: "right" },
        { header: "gap p50", align: "right" },
        { header: "gap p99", align: "right" },
        { header: "gap max", align: "right" },
        { header: "wall s", align: "right" },
        { header: "proxy RSS MB start/peak", align: "right" },
        { header: "proxy CPU s", align: "right" },
      ],
      report.rows.map((r) => [
        r.path,
        String(r.streams),
        `${r.deliveredChunks}/${r.expectedChunks}`,
        String(r.errors),
        r.ttfcMs.p50.toFixed(2),
        r.ttfcMs.p99.toFixed(2),
        r.gapMs.p50.toFixed(2),
        r.gapMs.p99.toFixed(2),
        r.gapMs.max.toFixed(1),
        (r.wallMs / 1000).toFixed(2),
        r.proxy ? `${r.proxy.startRssMb.toFixed(0)}/${r.proxy.peakRssMb.toFixed(0)}` : "-",
        cell(r.proxy?.cpuSeconds, 2),
      ]),
    ),
    "(latencies in ms; TTFC = request sent to first data frame)",
  ].join("\n");
}

export const streamingBench: ProxyBench<StreamingReport> = {
  name: "streaming",
  description: DESCRIPTION.replace("INTERVAL", "25"),
  run,
  render,
};

if (import.meta.main) await runBenchCli(streamingBench);
