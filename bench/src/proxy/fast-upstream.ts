/**
 * CLI: the minimal OpenAI-style upstream every overhead and streaming path talks to, so the
 * upstream's own cost is as small as it can be and identical for all paths.
 *   node fast-upstream.ts --port 0 [--chunks 200] [--chunk-interval 10]
 *     [--startup-delay MS] [--ready-line] [--name X] [--events-file PATH]
 * Prints "listening on 127.0.0.1:PORT" once bound.
 * - GET /health: 503 for `--startup-delay` ms after binding, then 200; other routes answer
 *   503 until then too.
 * - `--ready-line`: print "ready: model loaded" when /health turns 200, as llama-server logs
 *   when its model is loaded (hotswap re-checks health on every output line).
 * - `--events-file`: appends one JSON line per milestone (`boot` = process start, `listening`,
 *   `healthy`, `health200` = first 200 served on /health, `request` = first chat request,
 *   `sigterm`) with `at` in epoch ms (performance.timeOrigin + now, sub-ms), so the swap
 *   bench can time the proxy against the upstream's own clock.
 * - POST /v1/chat/completions: drains the body; `"stream": true` in a body under 1 MiB gets
 *   an SSE stream of `--chunks` frames, `--chunk-interval` ms apart, then `data: [DONE]`;
 *   anything else gets a precomputed ~1 KB chat completion.
 * Bodies of 1 MiB and more are never parsed (the bodies bench sends 5-20 MB JSON); they
 * get the 1 KB answer plus `x-bench-body-bytes` so the bench can check the size upstream.
 */
import { appendFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    chunks: { type: "string", default: "200" },
    "chunk-interval": { type: "string", default: "10" },
    "startup-delay": { type: "string", default: "0" },
    name: { type: "string", default: "fast" },
    "ready-line": { type: "boolean", default: false },
    "events-file": { type: "string" },
  },
});
const startupDelayMs = Number(values["startup-delay"]);
const eventsFile = values["events-file"];
const seen = new Set<string>();

/** Records a milestone once (the first time it happens). */
function milestone(event: string, at = performance.timeOrigin + performance.now()): void {
  if (eventsFile === undefined || seen.has(event)) return;
  seen.add(event);
  appendFileSync(eventsFile, `${JSON.stringify({ name: values.name, pid: process.pid, event, at })}\n`);
}
milestone("boot", performance.timeOrigin);
let healthy = startupDelayMs === 0;
const chunks = Number(values.chunks);
const chunkIntervalMs = Number(values["chunk-interval"]);

const completion = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_760_000_000,
    model: "bench",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "lorem ipsum dolor sit amet ".repeat(30).trim() },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 180, total_tokens: 192 },
  }),
);

const frames = Array.from({ length: chunks }, (_, i) =>
  Buffer.from(
    `data: ${JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion.chunk",
      created: 1_760_000_000,
      model: "bench",
      choices: [
        { index: 0, delta: { content: `token ${i + 1} ` }, finish_reason: i === chunks - 1 ? "stop" : null },
      ],
    })}\n\n`,
  ),
);
const done = Buffer.from("data: [DONE]\n\n");
const PARSE_LIMIT = 1024 * 1024;

function answerJson(res: ServerResponse, bodyBytes: number): void {
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": completion.length,
    "x-bench-body-bytes": bodyBytes,
  });
  res.end(completion);
}

function answerStream(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let i = 0;
  const next = (): void => {
    if (res.destroyed) return;
    if (i >= chunks) {
      res.end(done);
      return;
    }
    res.write(frames[i]);
    i += 1;
    if (chunkIntervalMs > 0) setTimeout(next, chunkIntervalMs);
    else setImmediate(next);
  };
  next();
}

function isStream(parts: readonly Buffer[], bytes: number): boolean {
  if (bytes >= PARSE_LIMIT) return false;
  try {
    return (JSON.parse(Buffer.concat(parts, bytes).toString("utf8")) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  if (!healthy) {
    req.resume();
    res.writeHead(503, { "content-type": "application/json" });
    res.end('{"error":"loading"}');
    return;
  }
  if (req.method === "GET" && (req.url === "/health" || req.url === "/v1/models")) {
    milestone("health200");
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"ok"}');
    return;
  }
  milestone("request");
  const parts: Buffer[] = [];
  let bytes = 0;
  req.on("data", (part: Buffer) => {
    bytes += part.length;
    if (bytes < PARSE_LIMIT) parts.push(part);
  });
  req.on("end", () => {
    if (isStream(parts, bytes)) answerStream(res);
    else answerJson(res, bytes);
  });
}

const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, onRequest);
server.maxHeadersCount = 0;
server.listen(Number(values.port), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  milestone("listening");
  process.stdout.write(`listening on 127.0.0.1:${port}\n`);
  if (!healthy) {
    setTimeout(() => {
      healthy = true;
      milestone("healthy");
      if (values["ready-line"]) process.stdout.write("ready: model loaded\n");
    }, startupDelayMs);
  }
});
process.on("SIGTERM", () => {
  milestone("sigterm");
  process.exit(0);
});
