/** What the HTTP load process is asked to do and what it answers (one JSON line each way). */

import { fileURLToPath } from "node:url";
import { spawnChild } from "./children.ts";

export interface HttpLoadRequest {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** The request body, or `bodyFile` for bodies too large for argv. */
  readonly body?: string;
  readonly bodyFile?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Requests per second over all connections (open loop); unset = as fast as answered. */
  readonly overallRate?: number;
}

export interface HttpLoadResult {
  readonly connections: number;
  readonly durationS: number;
  /** Responses received (any status). */
  readonly requests: number;
  readonly rps: number;
  /** Per-response latency, float ms (exact percentiles from every sample). */
  readonly latencyMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly mean: number;
  };
  readonly statuses: Readonly<Record<string, number>>;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

const HTTP_LOAD_PATH = fileURLToPath(new URL("./http-load.ts", import.meta.url));

/** Runs the load in a separate process (so it does not share an event loop with the bench). */
export async function runHttpLoad(request: HttpLoadRequest): Promise<HttpLoadResult> {
  const child = spawnChild(process.execPath, [HTTP_LOAD_PATH, JSON.stringify(request)], { keepLines: 50 });
  const { code } = await child.exited;
  const last = child.lines.at(-1)?.text ?? "";
  if (code !== 0 || !last.startsWith("{")) {
    throw new Error(`http load failed (${code}): ${child.lines.map((l) => l.text).join("\n")}`);
  }
  return JSON.parse(last) as HttpLoadResult;
}
