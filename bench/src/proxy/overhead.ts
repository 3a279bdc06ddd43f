/**
 * Overhead bench: what hotswap adds to a request when the model is already loaded.
 * `pnpm bench:overhead [--smoke] [--profile] [--no-install]`
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { formatTable } from "../table.ts";
import { type BenchReport, type ProxyBench, reportBase, runBenchCli } from "./bench-main.ts";
import { type ProfileSummary, summarizeProfileDir } from "./cpu-profile.ts";
import { CHAT_PATH, smallChat } from "./http-client.ts";
import { type HttpLoadResult, runHttpLoad } from "./http-load-client.ts";
import {
  type BenchPath,
  MODEL,
  type PathName,
  startHotswapPath,
  startOverheadPaths,
} from "./overhead-paths.ts";
import { cpuOf, type ProcUsage, sampleProcess } from "./proc-stats.ts";
import { cell, RESULTS_DIR, type Verdict, verdict } from "./report.ts";
import { ratio, round } from "./stats.ts";

const DESCRIPTION = `overhead: POST non-streaming chat completions (~1 KB answers) from a separate autocannon
process to one fast upstream reached directly, through nginx (1 worker, keepalive upstream),
through tcp-relay (a Node process piping each client connection to its own upstream one: no
HTTP work, only the two extra socket hops every proxy pays), through node-floor (a bare
node:http + undici proxy that only parses the body for "model": the least any Node HTTP proxy
costs) and through hotswap with the model loaded. Fixed duration per concurrency; requests/s
and per-response latency (p50/p99/max, float ms); ratios hotswap/direct, hotswap/nginx and
hotswap/node-floor, and every proxy against direct.`;

export interface OverheadRow extends HttpLoadResult {
  readonly path: PathName;
  /** hotswap only: the proxy process during this run. */
  readonly proxy?: ProcUsage;
  /** CPU time per answered request of the proxy's processes (nginx workers, hotswap); null for direct. */
  readonly proxyCpuUsPerReq: number | null;
  /** CPU time per answered request of the upstream serving this path. */
  readonly upstreamCpuUsPerReq: number;
}

export interface OverheadReport extends BenchReport {
  readonly durationS: number;
  readonly concurrencies: readonly number[];
  readonly nginx: { readonly used: boolean; readonly note: string };
  readonly rows: readonly OverheadRow[];
  readonly ratios: ReadonlyArray<{
    readonly connections: number;
    readonly rpsHotswapOverDirect: number | null;
    readonly rpsHotswapOverNginx: number | null;
    readonly rpsHotswapOverNodeFloor: number | null;
    readonly addedP50Ms: number | null;
    readonly addedP99Ms: number | null;
  }>;
  /** Every proxy path against direct at each concurrency: what the targets ask of hotswap, asked of each. */
  readonly againstDirect: readonly AgainstDirect[];
  readonly profile: readonly ProfileSummary[] | null;
}

export interface AgainstDirect {
  readonly connections: number;
  readonly path: PathName;
  readonly rpsOverDirect: number;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
}

function againstDirect(rows: readonly OverheadRow[]): AgainstDirect[] {
  const out: AgainstDirect[] = [];
  for (const r of rows) {
    const d = rows.find((x) => x.path === "direct" && x.connections === r.connections);
    const rps = d ? ratio(r.rps, d.rps) : null;
    if (r.path === "direct" || !d || rps === null) continue;
    out.push({
      connections: r.connections,
      path: r.path,
      rpsOverDirect: round(rps),
      addedP50Ms: round(r.latencyMs.p50 - d.latencyMs.p50, 4),
      addedP99Ms: round(r.latencyMs.p99 - d.latencyMs.p99, 4),
    });
  }
  return out;
}

/** hotswap against each baseline; its figures against direct are its `againstDirect` row. */
function ratios(
  rows: readonly OverheadRow[],
  direct: readonly AgainstDirect[],
  concurrencies: readonly number[],
): OverheadReport["ratios"] {
  return concurrencies.map((c) => {
    const get = (p: PathName) => rows.find((r) => r.path === p && r.connections === c);
    const [n, f, h] = [get("nginx"), get("node-floor"), get("hotswap")];
    const hd = direct.find((r) => r.path === "hotswap" && r.connections === c);
    const rn = h && n ? ratio(h.rps, n.rps) : null;
    const rf = h && f ? ratio(h.rps, f.rps) : null;
    return {
      connections: c,
      rpsHotswapOverDirect: hd?.rpsOverDirect ?? null,
      rpsHotswapOverNginx: rn === null ? null : round(rn),
      rpsHotswapOverNodeFloor: rf === null ? null : round(rf),
      addedP50Ms: hd?.addedP50Ms ?? null,
      addedP99Ms: hd?.addedP99Ms ?? null,
    };
  });
}

/** " (tcp-relay 0.450 x, nginx 0.461 x)": the same figure for the floors, beside the verdict's own. */
function floorsNote(
  rows: readonly AgainstDirect[],
  connections: number,
  figure: (r: AgainstDirect) => string,
): string {
  const shown = (["tcp-relay", "nginx"] as const).flatMap((p) => {
    const r = rows.find((x) => x.path === p && x.connections === connections);
    return r ? [`${p} ${figure(r)}`] : [];
  });
  return shown.length === 0 ? "" : ` (${shown.join(", ")})`;
}

/** Smoke runs (cold, 0.5 s) report what they measured but judge nothing. */
function verdicts(report: Omit<OverheadReport, "verdicts" | keyof BenchReport>, smoke: boolean): Verdict[] {
  const at64 = report.ratios.find((r) => r.connections === 64);
  const at1 = report.ratios.find((r) => r.connections === 1);
  const rd = at64?.rpsHotswapOverDirect ?? null;
  const rn = at64?.rpsHotswapOverNginx ?? null;
  const p50 = at1?.addedP50Ms ?? null;
  const rps = (r: AgainstDirect): string => `${r.rpsOverDirect.toFixed(3)} x`;
  const added = (r: AgainstDirect): string => `${r.addedP50Ms.toFixed(3)} ms`;
  return [
    verdict(
      "c=64 throughput >= 0.95 x direct",
      rd === null ? "-" : `${rd.toFixed(3)} x${floorsNote(report.againstDirect, 64, rps)}`,
      rd === null ? null : rd >= 0.95,
    ),
    verdict(
      "c=64 throughput >= nginx",
      rn === null ? "-" : `${rn.toFixed(3)} x`,
      rn === null ? null : rn >= 1,
    ),
    verdict(
      "c=1 added p50 <= 0.15 ms",
      p50 === null ? "-" : `${p50.toFixed(3)} ms${floorsNote(report.againstDirect, 1, added)}`,
      p50 === null || smoke ? null : p50 <= 0.15,
    ),
  ];
}

async function measurePath(p: BenchPath, connections: number, durationS: number): Promise<OverheadRow> {
  const sampler = p.path === "hotswap" ? sampleProcess(p.proxyPids[0]!) : null;
  const proxyCpu = cpuOf(p.proxyPids);
  const upstreamCpu = cpuOf([p.upstreamPid]);
  const result = await runHttpLoad({
    url: `${p.url}${CHAT_PATH}`,
    connections,
    durationS,
    body: smallChat(MODEL),
  });
  const perReq = (seconds: number): number =>
    result.requests === 0 ? 0 : round((seconds * 1e6) / result.requests, 1);
  return {
    path: p.path,
    ...result,
    ...(sampler ? { proxy: sampler.stop() } : {}),
    proxyCpuUsPerReq: p.proxyPids.length === 0 ? null : perReq(proxyCpu.stop()),
    upstreamCpuUsPerReq: perReq(upstreamCpu.stop()),
  };
}

/**
 * Restarts hotswap under --cpu-prof, loads it at c=64 and summarises the profiles (one per
 * thread; the main thread's comes first). The profile spans the whole process, start-up
 * included.
 */
async function profileAt64(durationS: number, log: (l: string) => void): Promise<ProfileSummary[]> {
  const dir = join(RESULTS_DIR, "profiles", `overhead-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  log(`profiling hotswap at c=64 into ${dir}`);
  const { server: proxy } = await startHotswapPath(["--cpu-prof", "--cpu-prof-dir", dir]);
  try {
    await runHttpLoad({
      url: `${proxy.url}${CHAT_PATH}`,
      connections: 64,
      durationS,
      body: smallChat(MODEL),
    });
  } finally {
    await proxy.stop();
  }
  return summarizeProfileDir(dir);
}

async function run(
  args: { smoke: boolean; profile: boolean; noInstall: boolean },
  log: (l: string) => void,
): Promise<OverheadReport> {
  const base = reportBase("overhead", { ...args });
  const concurrencies = args.smoke ? [1, 16] : [1, 16, 64, 256];
  const durationS = args.smoke ? 0.5 : 5;
  const started = await startOverheadPaths(!args.noInstall, log);
  const rows: OverheadRow[] = [];
  try {
    // Smoke runs skip the JIT warm-up (hotswap already answered one request).
    for (const p of args.smoke ? [] : started.paths) {
      await runHttpLoad({
        url: `${p.url}${CHAT_PATH}`,
        connections: 16,
        durationS: 1,
        body: smallChat(MODEL),
      });
    }
    for (const connections of concurrencies) {
      for (const p of started.paths) {
        log(`${p.path} c=${connections} for ${durationS} s`);
        rows.push(await measurePath(p, connections, durationS));
      }
    }
  } finally {
    await Promise.all(started.servers.map((s) => s.stop()));
  }
  // 10 s so the proxy's start-up (module loading, in the same profile) is a small share.
  const profile = args.profile ? await profileAt64(args.smoke ? 1 : 10, log) : null;
  const direct = againstDirect(rows);
  const body = {
    durationS,
    concurrencies,
    nginx: { used: started.paths.some((p) => p.path === "nginx"), note: started.nginxNote },
    rows,
    ratios: ratios(rows, direct, concurrencies),
    againstDirect: direct,
    profile,
  };
  return { ...base, ...body, verdicts: verdicts(body, args.smoke) };
}

function render(report: OverheadReport): string {
  const table = formatTable(
    [
      { header: "path", align: "left" },
      { header: "conc", align: "right" },
      { header: "req/s", align: "right" },
      { header: "p50 ms", align: "right" },
      { header: "p99 ms", align: "right" },
      { header: "max ms", align: "right" },
      { header: "non-2xx", align: "right" },
      { header: "errors", align: "right" },
      { header: "proxy CPU%", align: "right" },
      { header: "proxy CPU us/req", align: "right" },
      { header: "upstream CPU us/req", align: "right" },
    ],
    report.rows.map((r) => [
      r.path,
      String(r.connections),
      r.rps.toFixed(0),
      r.latencyMs.p50.toFixed(3),
      r.latencyMs.p99.toFixed(3),
      r.latencyMs.max.toFixed(1),
      String(r.non2xx),
      String(r.errors + r.timeouts),
      cell(r.proxy?.cpuPercent, 0),
      cell(r.proxyCpuUsPerReq, 0),
      r.upstreamCpuUsPerReq.toFixed(0),
    ]),
  );
  const ratioTable = formatTable(
    [
      { header: "conc", align: "right" },
      { header: "hotswap/direct rps", align: "right" },
      { header: "hotswap/nginx rps", align: "right" },
      { header: "hotswap/node-floor rps", align: "right" },
      { header: "added p50 ms", align: "right" },
      { header: "added p99 ms", align: "right" },
    ],
    report.ratios.map((r) => [
      String(r.connections),
      cell(r.rpsHotswapOverDirect, 3),
      cell(r.rpsHotswapOverNginx, 3),
      cell(r.rpsHotswapOverNodeFloor, 3),
      cell(r.addedP50Ms, 3),
      cell(r.addedP99Ms, 3),
    ]),
  );
  const directTable = formatTable(
    [
      { header: "conc", align: "right" },
      { header: "path", align: "left" },
      { header: "rps/direct", align: "right" },
      { header: "added p50 ms", align: "right" },
      { header: "added p99 ms", align: "right" },
    ],
    report.againstDirect.map((r) => [
      String(r.connections),
      r.path,
      r.rpsOverDirect.toFixed(3),
      r.addedP50Ms.toFixed(3),
      r.addedP99Ms.toFixed(3),
    ]),
  );
  const parts = [
    `nginx: ${report.nginx.note}`,
    table,
    "",
    ratioTable,
    "",
    "every proxy against direct (the same run):",
    directTable,
  ];
  for (const p of report.profile ?? []) {
    parts.push(
      "",
      `profile ${p.file} (busy ${p.totalMs - p.idleMs} ms of ${p.totalMs} ms): top self time`,
      formatTable(
        [
          { header: "self ms", align: "right" },
          { header: "% busy", align: "right" },
          { header: "function", align: "left" },
        ],
        p.top.slice(0, 12).map((t) => [t.selfMs.toFixed(1), t.percent.toFixed(1), t.fn]),
      ),
    );
  }
  return parts.join("\n");
}

export const overheadBench: ProxyBench<OverheadReport> = {
  name: "overhead",
  description: DESCRIPTION,
  run,
  render,
};

if (import.meta.main) await runBenchCli(overheadBench);
