/**
 * Swap bench: how fast hotswap starts a model, notices it is ready, and swaps one model for
 * another. `pnpm bench:swap [--smoke]`
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { freePort } from "@hotswap/testkit";
import { formatTable } from "../table.ts";
import { type BenchReport, type ProxyBench, reportBase, runBenchCli } from "./bench-main.ts";
import { configYaml } from "./configs.ts";
import { CHAT_PATH, postJson, smallChat } from "./http-client.ts";
import { cell, type Verdict, verdict } from "./report.ts";
import { FAST_UPSTREAM_PATH, startHotswap } from "./servers.ts";
import { round, summarize } from "./stats.ts";

const DESCRIPTION = `swap: two models in one swap group, each a fast upstream that answers /health 503 for D ms
after binding; once silent, once printing a line when ready (as llama-server logs "model
loaded"; hotswap re-checks health on upstream output). Requests alternate a, b, a, ...
(each one a cold start; from the 2nd on, a swap). The upstreams log milestones with epoch
timestamps (process boot, healthy, first 200 on /health, first request, SIGTERM), so each
step is timed on the upstream's side:
  ttfb-D      client time to first byte minus D
  ready->req  upstream healthy -> the chat request arriving upstream (hotswap noticing
              readiness + forwarding: poll gap + 200->req; the target)
  ready->1st  upstream healthy -> first byte at the client (ready->req plus the cold
              upstream answering its first request, which is not hotswap's time)
  poll gap    upstream healthy -> first 200 served on /health (health-poll granularity)
  200->req    that 200 -> the chat request arriving upstream (hotswap forwarding)
  stop->start SIGTERM received by the old model -> the new model's process boot
  decision    request sent -> SIGTERM received by the old model
  boot->bind  new process boot -> listening (Node's own start-up, not hotswap's)`;

interface Milestone {
  readonly name: string;
  readonly pid: number;
  readonly event: string;
  readonly at: number;
}

export interface SwapRow {
  readonly index: number;
  readonly model: string;
  readonly status: number;
  readonly ttfbMs: number;
  readonly ttfbMinusDMs: number;
  /** Upstream healthy -> the chat request arriving upstream: what hotswap controls. */
  readonly readyToForwardMs: number | null;
  /** Upstream healthy -> first byte at the client: also the cold upstream's first answer. */
  readonly readyToFirstByteMs: number | null;
  readonly pollGapMs: number | null;
  readonly forwardMs: number | null;
  readonly stopToStartMs: number | null;
  readonly decisionMs: number | null;
  readonly bootToListenMs: number | null;
}

export interface ScenarioResult {
  readonly scenario: SwapScenario;
  readonly rows: readonly SwapRow[];
  readonly summary: Readonly<Record<string, { p50: number; max: number } | null>>;
}

export interface SwapReport extends BenchReport {
  readonly startupDelayMs: number;
  readonly scenarios: readonly ScenarioResult[];
}

const epochNow = (): number => performance.timeOrigin + performance.now();

function readMilestones(path: string): Milestone[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Milestone);
}

function rowFor(
  index: number,
  request: { model: string; other: string; status: number; sentAt: number; firstByteAt: number },
  events: readonly Milestone[],
  delayMs: number,
): SwapRow {
  // The process life that served this request: the model's first boot after it was sent.
  const boot = events.find(
    (e) => e.name === request.model && e.event === "boot" && e.at >= request.sentAt - 1,
  );
  const life = (event: string): number | null =>
    boot ? (events.find((e) => e.pid === boot.pid && e.event === event)?.at ?? null) : null;
  const sigterm =
    events.find((e) => e.name === request.other && e.event === "sigterm" && e.at >= request.sentAt - 1)?.at ??
    null;
  const healthy = life("healthy");
  const health200 = life("health200");
  const firstRequest = life("request");
  const listening = life("listening");
  const diff = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : round(a - b);
  const ttfb = request.firstByteAt - request.sentAt;
  return {
    index,
    model: request.model,
    status: request.status,
    ttfbMs: round(ttfb),
    ttfbMinusDMs: round(ttfb - delayMs),
    readyToForwardMs: diff(firstRequest, healthy),
    readyToFirstByteMs: diff(request.firstByteAt, healthy),
    pollGapMs: diff(health200, healthy),
    forwardMs: diff(firstRequest, health200),
    stopToStartMs: index === 0 ? null : diff(boot?.at ?? null, sigterm),
    decisionMs: index === 0 ? null : diff(sigterm, request.sentAt),
    bootToListenMs: diff(listening, boot?.at ?? null),
  };
}

const KEYS = [
  "ttfbMinusDMs",
  "readyToForwardMs",
  "readyToFirstByteMs",
  "pollGapMs",
  "forwardMs",
  "stopToStartMs",
  "decisionMs",
  "bootToListenMs",
] as const;

/** `silent`: the model prints nothing when ready; `ready line`: it logs then, as llama-server does. */
export type SwapScenario = "silent" | "ready line";

type Sent = { model: string; other: string; status: number; sentAt: number; firstByteAt: number };

async function runScenario(
  scenario: SwapScenario,
  delayMs: number,
  rounds: number,
  log: (l: string) => void,
): Promise<ScenarioResult> {
  const eventsFile = join(mkdtempSync(join(tmpdir(), "hotswap-bench-swap-")), "milestones.jsonl");
  const model = (id: string, port: number) => ({
    id,
    port,
    argv: [
      ...[process.execPath, FAST_UPSTREAM_PATH, "--port", String(port), "--name", id],
      ...["--startup-delay", String(delayMs), "--events-file", eventsFile],
      ...(scenario === "ready line" ? ["--ready-line"] : []),
    ],
  });
  const proxy = await startHotswap({
    configYaml: configYaml({
      models: [model("a", await freePort()), model("b", await freePort())],
      swapGroup: true,
    }),
    keepLines: 5000,
  });
  const requests: Sent[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const [id, other] = i % 2 === 0 ? ["a", "b"] : ["b", "a"];
      log(`${scenario}: request ${i + 1}/${rounds}, model ${id}`);
      const res = await postJson(`${proxy.url}${CHAT_PATH}`, smallChat(id));
      const shift = epochNow() - performance.now();
      requests.push({
        model: id,
        other,
        status: res.status,
        sentAt: res.sentAt + shift,
        firstByteAt: res.firstByteAt + shift,
      });
    }
  } finally {
    await proxy.stop();
  }
  const events = readMilestones(eventsFile);
  const rows = requests.map((r, i) => rowFor(i, r, events, delayMs));
  const summary: Record<string, { p50: number; max: number } | null> = {};
  for (const key of KEYS) {
    const values = rows.flatMap((r) => (r[key] === null ? [] : [r[key]]));
    const s = summarize(values);
    summary[key] = values.length === 0 ? null : { p50: round(s.p50), max: round(s.max) };
  }
  return { scenario, rows, summary };
}

async function run(
  args: { smoke: boolean; profile: boolean; noInstall: boolean },
  log: (l: string) => void,
): Promise<SwapReport> {
  const base = reportBase("swap", { ...args });
  const delayMs = args.smoke ? 200 : 1000;
  const rounds = args.smoke ? 3 : 9;
  const scenarios: ScenarioResult[] = [];
  for (const scenario of ["silent", "ready line"] as const) {
    scenarios.push(await runScenario(scenario, delayMs, rounds, log));
  }
  return { ...base, startupDelayMs: delayMs, scenarios, verdicts: verdicts(scenarios, args.smoke) };
}

/**
 * Judges healthy -> request arriving upstream (noticing readiness and forwarding, what
 * hotswap controls), p50 and max both within 5 ms. Smoke runs (D = 200 ms, 3 requests)
 * report what they measured but judge nothing.
 */
function verdicts(scenarios: readonly ScenarioResult[], smoke: boolean): Verdict[] {
  return scenarios.map(({ scenario, summary }) => {
    const ready = summary.readyToForwardMs;
    return verdict(
      `readiness noticed and request forwarded <= 5 ms after healthy, p50 and max (${scenario})`,
      ready ? `p50 ${ready.p50.toFixed(1)} ms, max ${ready.max.toFixed(1)} ms` : "-",
      ready && !smoke ? ready.p50 <= 5 && ready.max <= 5 : null,
    );
  });
}

function render(report: SwapReport): string {
  const rows = formatTable(
    [
      { header: "scenario", align: "left" },
      { header: "#", align: "right" },
      { header: "model", align: "left" },
      { header: "status", align: "right" },
      { header: "ttfb", align: "right" },
      { header: "ttfb-D", align: "right" },
      { header: "ready->req", align: "right" },
      { header: "ready->1st", align: "right" },
      { header: "poll gap", align: "right" },
      { header: "200->req", align: "right" },
      { header: "stop->start", align: "right" },
      { header: "decision", align: "right" },
      { header: "boot->bind", align: "right" },
    ],
    report.scenarios.flatMap(({ scenario, rows }) =>
      rows.map((r) => [
        scenario,
        String(r.index + 1),
        r.model,
        String(r.status),
        r.ttfbMs.toFixed(1),
        r.ttfbMinusDMs.toFixed(1),
        cell(r.readyToForwardMs, 1),
        cell(r.readyToFirstByteMs, 1),
        cell(r.pollGapMs, 1),
        cell(r.forwardMs, 1),
        cell(r.stopToStartMs, 1),
        cell(r.decisionMs, 1),
        cell(r.bootToListenMs, 1),
      ]),
    ),
  );
  const summary = formatTable(
    [
      { header: "figure (ms)", align: "left" },
      ...report.scenarios.flatMap(({ scenario }) => [
        { header: `${scenario} p50`, align: "right" as const },
        { header: `${scenario} max`, align: "right" as const },
      ]),
    ],
    KEYS.map((k) => [
      k,
      ...report.scenarios.flatMap(({ summary }) => [cell(summary[k]?.p50, 1), cell(summary[k]?.max, 1)]),
    ]),
  );
  return [
    `D = ${report.startupDelayMs} ms (startup delay of every model); all figures in ms`,
    rows,
    "",
    summary,
    "readyToFirstByteMs also contains the cold upstream's first answer (not hotswap's time); the target judges readyToForwardMs.",
  ].join("\n");
}

export const swapBench: ProxyBench<SwapReport> = { name: "swap", description: DESCRIPTION, run, render };

if (import.meta.main) await runBenchCli(swapBench);
