/**
 * The overhead bench's floor: the least a Node proxy that routes by the body's `model` can
 * do per request, on the same stack as hotswap (node:http server, undici Pool upstream).
 * It reads the body, parses it for `model`, forwards it through one Pool with a dispatch
 * handler and copies the answer back. No routing table, no scheduler, no rewriting, no
 * error answers beyond a bare 400/502. hotswap's CPU per request minus this one's is what
 * hotswap's own work costs; this one minus nginx's is what Node's HTTP stack costs.
 *
 * `node bare-node-proxy.ts UPSTREAM_URL` prints `listening on 127.0.0.1:PORT`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Dispatcher, Pool } from "undici";

const upstream = process.argv[2];
if (upstream === undefined) throw new Error("usage: bare-node-proxy.ts UPSTREAM_URL");
const pool = new Pool(upstream, { keepAliveTimeout: 30_000, bodyTimeout: 0, headersTimeout: 0 });

/** Writes one upstream answer into `res` (no backpressure handling: answers are ~1 KB). */
function answerInto(res: ServerResponse): Dispatcher.DispatchHandler {
  return {
    onRequestStart() {},
    onResponseStart(_controller, statusCode, headers) {
      const out: Record<string, string | string[]> = {};
      for (const name in headers) {
        const value = headers[name];
        if (value !== undefined && name !== "connection" && name !== "keep-alive") out[name] = value;
      }
      res.writeHead(statusCode, out);
    },
    onResponseData(_controller, chunk) {
      res.write(chunk);
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError() {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    },
  };
}

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  let model: unknown;
  try {
    model = (JSON.parse(body.toString("utf8")) as { model?: unknown }).model;
  } catch {
    model = undefined;
  }
  if (typeof model !== "string") {
    res.writeHead(400).end();
    return;
  }
  pool.dispatch(
    {
      method: req.method ?? "POST",
      path: req.url ?? "/",
      headers: {
        "content-type": req.headers["content-type"] ?? "application/json",
        "content-length": String(body.length),
      },
      body,
    },
    answerInto(res),
  );
}

const server = createServer({ keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => forward(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
// A normal exit on SIGTERM, so `--cpu-prof` writes its profile when the bench stops it.
process.once("SIGTERM", () => process.exit(0));
