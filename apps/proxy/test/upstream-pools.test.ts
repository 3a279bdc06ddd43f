/**
 * UpstreamPools' spare connection against a real node:http server on 127.0.0.1 port 0 that
 * counts the connections it accepts. Gates are server events and responses, never sleeps.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UpstreamPools } from "../src/http/upstream-pools.ts";
import { warmUpForwarding } from "../src/http/warm-up.ts";

interface CountingServer {
  readonly origin: string;
  readonly sockets: Socket[];
  /** Resolves when the server has accepted its nth connection (1-based). */
  accepted(n: number): Promise<Socket>;
  /** Resolves once `socket` is closed. */
  closed(socket: Socket): Promise<void>;
  close(): Promise<void>;
}

const servers: CountingServer[] = [];
const pools: UpstreamPools[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.closeAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** `dropFirst`: the first accepted connection is closed by the server at once. */
async function countingServer(dropFirst = false): Promise<CountingServer> {
  const sockets: Socket[] = [];
  const waiters: Array<{ n: number; resolve: (s: Socket) => void }> = [];
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`ok ${req.url}`);
  });
  server.on("connection", (socket: Socket) => {
    sockets.push(socket);
    if (dropFirst && sockets.length === 1) socket.destroy();
    for (const w of waiters.filter((x) => x.n === sockets.length)) w.resolve(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const s: CountingServer = {
    origin: `http://127.0.0.1:${port}`,
    sockets,
    accepted: (n) => {
      const seen = sockets[n - 1];
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    closed: (socket) =>
      socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once("close", () => resolve())),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

function newPools(timings = { idleMs: 1_000, refreshMs: 60_000 }): UpstreamPools {
  const p = new UpstreamPools(timings);
  pools.push(p);
  return p;
}

async function get(p: UpstreamPools, origin: string, path = "/x"): Promise<{ status: number; text: string }> {
  const res = await p.get(origin).request({ method: "GET", path });
  return { status: res.statusCode, text: await res.body.text() };
}

describe("upstream pools: spare connection", () => {
  it("preconnect: the first request goes over the spare, so the server sees one connection in all", async () => {
    const srv = await countingServer();
    const p = newPools();
    p.preconnect(srv.origin);
    expect(p.spareCount).toBe(1);
    await srv.accepted(1);
    expect(await get(p, srv.origin)).toEqual({ status: 200, text: "ok /x" });
    expect(srv.sockets.length).toBe(1);
    expect(p.spareCount).toBe(0);
  });

  it("preconnect: a request dispatched while the spare still connects waits for it and uses it", async () => {
    const srv = await countingServer();
    const p = newPools();
    p.preconnect(srv.origin);
    expect(await get(p, srv.origin)).toEqual({ status: 200, text: "ok /x" });
    expect(srv.sockets.length).toBe(1);
  });

  it("preconnect: nothing for an https origin, or when the pool already holds a connection", async () => {
    const srv = await countingServer();
    const p = newPools();
    p.preconnect("https://127.0.0.1:1");
    expect(p.spareCount).toBe(0);
    await get(p, srv.origin);
    p.preconnect(srv.origin);
    expect(p.spareCount).toBe(0);
    expect(srv.sockets.length).toBe(1);
  });

  it("expireSpare: an untaken spare is closed after idleMs, and the next request connects afresh", async () => {
    const srv = await countingServer();
    const p = newPools({ idleMs: 20, refreshMs: 60_000 });
    p.preconnect(srv.origin);
    const spare = await srv.accepted(1);
    p.expireSpare(srv.origin);
    await srv.closed(spare);
    expect(p.spareCount).toBe(0);
    expect(await get(p, srv.origin)).toEqual({ status: 200, text: "ok /x" });
    expect(srv.sockets.length).toBe(2);
  });

  it("refresh: while the model loads the spare is replaced every refreshMs, one open at a time", async () => {
    const srv = await countingServer();
    const p = newPools({ idleMs: 1_000, refreshMs: 30 });
    p.preconnect(srv.origin);
    const first = await srv.accepted(1);
    await srv.closed(first);
    const second = await srv.accepted(2);
    expect(p.spareCount).toBe(1);
    // Ready: the refresh stops, the current spare serves the request.
    p.expireSpare(srv.origin);
    expect(await get(p, srv.origin)).toEqual({ status: 200, text: "ok /x" });
    expect(second.destroyed).toBe(false);
    expect(srv.sockets.filter((s) => !s.destroyed)).toEqual([second]);
  });

  it("a spare the server closed is not used: the request connects afresh and succeeds", async () => {
    const srv = await countingServer(true);
    const p = newPools();
    p.preconnect(srv.origin);
    await srv.accepted(1);
    // Closed within refreshMs / 3 of opening: dropped, not reopened.
    await vi.waitFor(() => expect(p.spareCount).toBe(0));
    expect(await get(p, srv.origin)).toEqual({ status: 200, text: "ok /x" });
    expect(srv.sockets.length).toBe(2);
  });

  it("drop and closeAll close unused spares: no connection is left open", async () => {
    const a = await countingServer();
    const b = await countingServer();
    const p = newPools();
    p.preconnect(a.origin);
    p.preconnect(b.origin);
    const sa = await a.accepted(1);
    const sb = await b.accepted(1);
    await p.drop(a.origin);
    await a.closed(sa);
    expect(p.spareCount).toBe(1);
    await p.closeAll();
    await b.closed(sb);
    expect(p.spareCount).toBe(0);
  });

  it("warmUpForwarding: one GET /health through forward over a spare, and no connection left open", async () => {
    const srv = await countingServer();
    const seen: string[] = [];
    const [first] = await Promise.all([
      srv.accepted(1).then((socket) => {
        socket.on("data", (d: Buffer) => seen.push(d.toString().split("\r\n")[0] ?? ""));
        return socket;
      }),
      warmUpForwarding(srv.origin),
    ]);
    expect(seen).toEqual(["GET /health HTTP/1.1"]);
    expect(srv.sockets).toEqual([first]);
    await srv.closed(first);
  });
});
