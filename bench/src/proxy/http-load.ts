/**
 * CLI (the load process of the overhead and bodies benches): drives one URL with autocannon
 * for a fixed duration and prints one JSON line (`HttpLoadResult`). Latencies are taken from
 * autocannon's per-response event (float ms) because its histogram rounds to whole ms,
 * too coarse for a 0.15 ms budget.
 *   node http-load.ts '{"url":"http://...","connections":16,"durationS":5,"body":"..."}'
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { HttpLoadRequest, HttpLoadResult } from "./http-load-client.ts";
import { round, summarize } from "./stats.ts";

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
}
interface AutocannonInstance {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

// autocannon ships no types; it is loaded through require with the narrow shape above.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

function run(request: HttpLoadRequest): Promise<HttpLoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: "POST",
        connections: request.connections,
        duration: request.durationS,
        headers: { "content-type": "application/json", ...request.headers },
        body: request.bodyFile === undefined ? request.body : readFileSync(request.bodyFile),
        timeout: 30,
        ...(request.overallRate === undefined ? {} : { overallRate: request.overallRate }),
      },
      (err, result) => {
        if (err) {
          reject(err);
          return;
        }
        const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
        const latency = summarize(latencies);
        resolve({
          connections: request.connections,
          durationS: result.duration,
          requests: answered,
          rps: round(answered / result.duration, 1),
          latencyMs: {
            p50: round(latency.p50, 4),
            p99: round(latency.p99, 4),
            max: round(latency.max, 4),
            mean: round(latency.mean, 4),
          },
          statuses,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

const request = JSON.parse(process.argv[2] ?? "{}") as HttpLoadRequest;
const result = await run(request);
process.stdout.write(`${JSON.stringify(result)}\n`);
