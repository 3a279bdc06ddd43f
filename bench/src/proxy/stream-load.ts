/**
 * CLI (the load process of the streaming bench): opens N concurrent SSE chat streams with an
 * undici Pool (one connection per stream), counts the `data:` frames of each, and prints
 * one JSON line (`StreamLoadResult`): frames delivered, time to first frame, gaps between
 * frames.
 *   node stream-load.ts '{"url":"http://...","streams":100,"expectChunks":200,"model":"m"}'
 */
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { round, summarize } from "./stats.ts";
import type { StreamLoadRequest, StreamLoadResult } from "./stream-load-client.ts";

interface StreamOutcome {
  readonly frames: number;
  readonly done: boolean;
  readonly ttfcMs: number | null;
  readonly error: string | null;
}

async function oneStream(pool: Pool, path: string, body: string, gaps: number[]): Promise<StreamOutcome> {
  const sentAt = performance.now();
  let frames = 0;
  let done = false;
  let ttfcMs: number | null = null;
  let lastAt = 0;
  let carry = "";
  try {
    const res = await pool.request({
      path,
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body,
    });
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      return { frames, done, ttfcMs, error: `status ${res.statusCode}: ${text.slice(0, 200)}` };
    }
    res.body.setEncoding("utf8");
    for await (const part of res.body as AsyncIterable<string>) {
      const at = performance.now();
      carry += part;
      let end = carry.indexOf("\n\n");
      while (end !== -1) {
        const frame = carry.slice(0, end);
        carry = carry.slice(end + 2);
        if (frame.startsWith("data: [DONE]")) done = true;
        else if (frame.startsWith("data:")) {
          frames += 1;
          if (ttfcMs === null) ttfcMs = at - sentAt;
          else gaps.push(at - lastAt);
          lastAt = at;
        }
        end = carry.indexOf("\n\n");
      }
    }
    return { frames, done, ttfcMs, error: null };
  } catch (err) {
    return { frames, done, ttfcMs, error: (err as Error).message };
  }
}

async function run(request: StreamLoadRequest): Promise<StreamLoadResult> {
  const url = new URL(request.url);
  const pool = new Pool(url.origin, {
    connections: request.streams,
    pipelining: 1,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const body = JSON.stringify({
    model: request.model,
    stream: true,
    messages: [{ role: "user", content: "stream please" }],
  });
  const gaps: number[] = [];
  const startedAt = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: request.streams }, () => oneStream(pool, url.pathname, body, gaps)),
  );
  const wallMs = performance.now() - startedAt;
  await pool.close();
  const ttfc = summarize(outcomes.flatMap((o) => (o.ttfcMs === null ? [] : [o.ttfcMs])));
  const gap = summarize(gaps);
  const errors = outcomes.flatMap((o) => (o.error === null ? [] : [o.error]));
  return {
    streams: request.streams,
    expectedChunks: request.streams * request.expectChunks,
    deliveredChunks: outcomes.reduce((sum, o) => sum + o.frames, 0),
    completeStreams: outcomes.filter((o) => o.done && o.frames === request.expectChunks).length,
    errors: errors.length,
    firstErrors: errors.slice(0, 3),
    wallMs: round(wallMs, 1),
    ttfcMs: { p50: round(ttfc.p50), p99: round(ttfc.p99), max: round(ttfc.max) },
    gapMs: { p50: round(gap.p50), p99: round(gap.p99), max: round(gap.max) },
  };
}

const request = JSON.parse(process.argv[2] ?? "{}") as StreamLoadRequest;
process.stdout.write(`${JSON.stringify(await run(request))}\n`);
