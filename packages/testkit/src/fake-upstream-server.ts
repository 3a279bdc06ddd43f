/**
 * The fake OpenAI-compatible upstream as an in-process HTTP server (node:http only).
 * The CLI (`fake-upstream.ts`) wraps it with signals, the grandchild and the lock file.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { defaultOptions, type FakeUpstreamOptions, requestKnobs } from "./options.ts";
import { parseBody, readBody } from "./request-body.ts";
import { type Reply, route } from "./routes.ts";

/** Request counters served at `GET /fake/stats`. `/health` and `/fake/*` are not counted. */
export interface FakeUpstreamStats {
  readonly name: string;
  readonly pid: number;
  readonly received: number;
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Received requests per path. */
  readonly byPath: Readonly<Record<string, number>>;
  /** `model` field of the last request that had one. */
  readonly lastModel: string | null;
}

export interface FakeUpstream {
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  stats(): FakeUpstreamStats;
  /** Non-streaming requests being answered now (llama-server ignores SIGTERM then). */
  nonStreamingInFlight(): number;
  /** Resolves once the server is closed (open connections are cut). */
  close(): Promise<void>;
}

export interface FakeUpstreamHooks {
  /**
   * Called instead of answering when a crash knob fires. The CLI exits 1 here; the default
   * (in-process use) cuts every connection and closes the server.
   */
  readonly onCrash?: (reason: string) => void;
  /** Called when the loading period ends (`/health` turns 200), unless never healthy. */
  readonly onLoaded?: () => void;
}

const LOADING = { error: { message: "Loading model", code: 503 } };

interface Counters {
  received: number;
  inFlight: number;
  maxInFlight: number;
  nonStreaming: number;
  byPath: Record<string, number>;
  lastModel: string | null;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
  res.end(data);
}

/** Starts the server; resolves once bound. The loading period starts at bind time. */
export async function startFakeUpstream(
  partial: Partial<FakeUpstreamOptions> = {},
  hooks: FakeUpstreamHooks = {},
): Promise<FakeUpstream> {
  const options: FakeUpstreamOptions = { ...defaultOptions, ...partial };
  const c: Counters = {
    received: 0,
    inFlight: 0,
    maxInFlight: 0,
    nonStreaming: 0,
    byPath: {},
    lastModel: null,
  };
  let loaded = options.startupDelayMs === 0;
  let crashed = false;
  const server = createServer();
  const crash =
    hooks.onCrash ??
    (() => {
      server.closeAllConnections();
      server.close();
    });
  const fireCrash = (reason: string): void => {
    crashed = true;
    crash(reason);
  };
  const stats = (): FakeUpstreamStats => ({
    name: options.name,
    pid: process.pid,
    received: c.received,
    inFlight: c.inFlight,
    maxInFlight: c.maxInFlight,
    byPath: { ...c.byPath },
    lastModel: c.lastModel,
  });

  async function writeReply(res: ServerResponse, reply: Reply, knobs: ReturnType<typeof requestKnobs>) {
    res.setHeader("x-fake-name", options.name);
    if (reply.kind === "json") return sendJson(res, reply.status, reply.body);
    if (reply.kind === "bytes") {
      res.writeHead(reply.status, { "content-type": reply.contentType, "content-length": reply.data.length });
      return void res.end(reply.data);
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const n = knobs.chunks;
    const crashAt = knobs.crashMidStream ? Math.floor(n / 2) : -1;
    for (let i = 0; i < n; i++) {
      if (i === crashAt) return fireCrash(`crash mid-stream after ${i} of ${n} chunks`);
      if (res.destroyed) return;
      // Wait for the flush so a crash knob firing next leaves these chunks with the client.
      await new Promise<void>((resolve) => res.write(reply.frame(i, n), () => resolve()));
      if (knobs.chunkIntervalMs > 0 && i < n - 1) await delay(knobs.chunkIntervalMs);
    }
    if (crashAt === n) return fireCrash("crash mid-stream before the end");
    res.end(reply.tail);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (crashed) return void res.destroy();
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const ready = loaded && !options.neverHealthy;
    if (path === "/health") return sendJson(res, ready ? 200 : 503, ready ? { status: "ok" } : LOADING);
    if (path === "/fake/stats") return sendJson(res, 200, stats());
    c.received++;
    c.byPath[path] = (c.byPath[path] ?? 0) + 1;
    if (options.crashAfter !== null && c.received > options.crashAfter) {
      return fireCrash(`crash after ${options.crashAfter} requests`);
    }
    if (!ready) return sendJson(res, 503, LOADING);
    const body = parseBody(raw, req.headers["content-type"]);
    if (body.model !== null) c.lastModel = body.model;
    const knobs = requestKnobs(options, req.headers);
    c.inFlight++;
    c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
    if (!body.stream) c.nonStreaming++;
    res.once("close", () => {
      c.inFlight--;
      if (!body.stream) c.nonStreaming--;
    });
    if (knobs.responseDelayMs > 0) await delay(knobs.responseDelayMs);
    if (crashed) return void res.destroy();
    if (knobs.status !== null) {
      return sendJson(res, knobs.status, {
        error: { message: `x-fake-status ${knobs.status}`, code: knobs.status },
      });
    }
    if (body.invalidJson) return sendJson(res, 400, { error: { message: "invalid JSON body", code: 400 } });
    const reply = route({
      method: req.method ?? "GET",
      path,
      headers: req.headers,
      body,
      name: options.name,
      echo: knobs.echo,
    });
    await writeReply(res, reply, knobs);
  }

  server.on("request", (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), code: 500 } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const loadTimer =
    options.startupDelayMs > 0
      ? setTimeout(() => {
          loaded = true;
          if (!options.neverHealthy) hooks.onLoaded?.();
        }, options.startupDelayMs)
      : null;
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${options.host}:${port}`,
    stats,
    nonStreamingInFlight: () => c.nonStreaming,
    close: () =>
      new Promise<void>((resolve) => {
        if (loadTimer) clearTimeout(loadTimer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
