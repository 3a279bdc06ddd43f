/**
 * The large-bodies bench's unit of measurement: one window of small chat requests (8
 * connections) against a path, alone or while 2 connections send large bodies, and the
 * idle/loaded pairs built from such windows.
 */
import { setTimeout as delay } from "node:timers/promises";
import { CHAT_PATH, smallChat } from "./http-client.ts";
import { type HttpLoadResult, runHttpLoad } from "./http-load-client.ts";
import { type ProcUsage, sampleProcess } from "./proc-stats.ts";
import { ratio, round } from "./stats.ts";

export const SMALL_CONNECTIONS = 8;
export const LARGE_CONNECTIONS = 2;

/** Where a window's requests go: a base URL, and the proxy process to sample (null: none, direct). */
export interface WindowTarget {
  readonly url: string;
  readonly pid: number | null;
}

/** What a window sends besides the small requests: null = nothing (an idle window). */
export interface LargeLoad {
  readonly file: string;
  /** Large bodies offered per second over both connections; null = closed loop. */
  readonly rate: number | null;
  /** How long the large bodies run before the small requests are timed. */
  readonly leadS: number;
}

export interface WindowResult {
  readonly small: HttpLoadResult;
  readonly large: HttpLoadResult | null;
  readonly proxy: ProcUsage | null;
}

/** One window of `durationS` seconds of small requests for `model`, with `large` beside them. */
export async function measureWindow(
  target: WindowTarget,
  model: string,
  durationS: number,
  large: LargeLoad | null,
): Promise<WindowResult> {
  const url = `${target.url}${CHAT_PATH}`;
  const sampler = target.pid === null ? null : sampleProcess(target.pid);
  const running =
    large === null
      ? null
      : runHttpLoad({
          url,
          connections: LARGE_CONNECTIONS,
          durationS: durationS + 2 * large.leadS,
          bodyFile: large.file,
          ...(large.rate === null ? {} : { overallRate: large.rate }),
        });
  if (running !== null) await delay(large!.leadS * 1000);
  const small = await runHttpLoad({ url, connections: SMALL_CONNECTIONS, durationS, body: smallChat(model) });
  const largeResult = running === null ? null : await running;
  return { small, large: largeResult, proxy: sampler?.stop() ?? null };
}

/** One idle window then one loaded window, as one pair's figures. */
export interface WindowPair {
  readonly idleP99Ms: number;
  readonly loadedP99Ms: number;
  /** loaded p99 / idle p99. */
  readonly ratio: number | null;
  /** Small requests per second in the loaded window. */
  readonly loadedSmallRps: number;
  /** Large bodies answered per second in the loaded window. */
  readonly largePerS: number;
  /** Answers other than 200, both windows, small and large. */
  readonly non2xx: number;
}

export async function measurePair(
  target: WindowTarget,
  model: string,
  windowS: number,
  large: LargeLoad,
): Promise<WindowPair> {
  const idle = await measureWindow(target, model, windowS, null);
  const loaded = await measureWindow(target, model, windowS, large);
  const r = ratio(loaded.small.latencyMs.p99, idle.small.latencyMs.p99);
  return {
    idleP99Ms: round(idle.small.latencyMs.p99, 3),
    loadedP99Ms: round(loaded.small.latencyMs.p99, 3),
    ratio: r === null ? null : round(r, 2),
    loadedSmallRps: Math.round(loaded.small.rps),
    largePerS: round(loaded.large?.rps ?? 0, 1),
    non2xx: idle.small.non2xx + loaded.small.non2xx + (loaded.large?.non2xx ?? 0),
  };
}
