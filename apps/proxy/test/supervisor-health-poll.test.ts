import diagnostics_channel from "node:diagnostics_channel";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { freePort, startFakeUpstream } from "@hotswap/testkit";
import { describe, expect, it } from "vitest";
import { Nudge, pollHealth } from "../src/workers/health-poll.ts";

describe("supervisor health poll", () => {
  it("nudge: a nudge ends a long wait at once", async () => {
    const nudge = new Nudge();
    const waiting = nudge.wait(60_000, new AbortController().signal);
    nudge.nudge();
    await waiting;
  });

  it("nudge: a nudge while no wait is pending shortens the next wait to the fast interval", async () => {
    const nudge = new Nudge();
    nudge.nudge();
    const started = Date.now();
    await nudge.wait(60_000, new AbortController().signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("nudge: abort ends a wait", async () => {
    const ctl = new AbortController();
    const waiting = new Nudge().wait(60_000, ctl.signal);
    ctl.abort();
    await waiting;
  });

  it("pollHealth: healthy once /health turns 200, timeout when it never does, aborted on abort", async () => {
    const up = await startFakeUpstream({ startupDelayMs: 150 });
    const never = await startFakeUpstream({ neverHealthy: true });
    try {
      const signal = new AbortController().signal;
      expect(await pollHealth(`${up.url}/health`, 10_000, signal)).toBe("healthy");
      expect(up.stats().received).toBe(0);
      expect(await pollHealth(`${never.url}/health`, 300, signal)).toBe("timeout");
      const ctl = new AbortController();
      const aborted = pollHealth(`${never.url}/health`, 60_000, ctl.signal);
      ctl.abort();
      expect(await aborted).toBe("aborted");
    } finally {
      await up.close();
      await never.close();
    }
  });
});

/** What the counting server does with its nth request (0-based): answer with a status, or hold it. */
type Answer = (n: number) => number | "hold";

/**
 * A real node:http server on 127.0.0.1 port 0 that counts connections and requests. Idle
 * keep-alive sockets never time out on its side, so a socket that closes was closed by the
 * client.
 */
async function countingServer(answer: Answer) {
  const sockets: Socket[] = [];
  let requests = 0;
  const held = Promise.withResolvers<void>();
  const server = createServer({ keepAliveTimeout: 0 }, (req, res) => {
    const what = answer(requests++);
    req.resume();
    if (what === "hold") {
      held.resolve();
      return;
    }
    res.writeHead(what, { "content-type": "application/json" });
    res.end(what === 200 ? '{"status":"ok"}' : '{"error":"loading"}');
  });
  server.keepAliveTimeout = 0;
  server.on("connection", (s: Socket) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    connections: () => sockets.length,
    requests: () => requests,
    /** Resolves once a request is being held unanswered. */
    held: held.promise,
    /** Resolves when every connection the server accepted has closed. */
    allClosed: () =>
      Promise.all(
        sockets.map((s) => (s.destroyed ? Promise.resolve() : new Promise((r) => s.once("close", r)))),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("supervisor health poll: one kept-alive connection per loop", () => {
  it("pollHealth: 503 five times then 200 is polled over one connection, closed once healthy", async () => {
    const srv = await countingServer((n) => (n < 5 ? 503 : 200));
    try {
      expect(await pollHealth(srv.url, 10_000, new AbortController().signal)).toBe("healthy");
      expect(srv.requests()).toBe(6);
      expect(srv.connections()).toBe(1);
      await srv.allClosed();
    } finally {
      await srv.close();
    }
  }, 5_000);

  it("pollHealth: a server that never turns healthy is polled over one connection, closed on timeout", async () => {
    const srv = await countingServer(() => 503);
    try {
      expect(await pollHealth(srv.url, 200, new AbortController().signal)).toBe("timeout");
      expect(srv.requests()).toBeGreaterThan(1);
      expect(srv.connections()).toBe(1);
      await srv.allClosed();
    } finally {
      await srv.close();
    }
  }, 5_000);

  it("pollHealth: abort during an unanswered attempt returns aborted and closes the connection", async () => {
    const srv = await countingServer((n) => (n < 3 ? 503 : "hold"));
    try {
      const ctl = new AbortController();
      const polling = pollHealth(srv.url, 60_000, ctl.signal);
      await srv.held;
      ctl.abort();
      expect(await polling).toBe("aborted");
      expect(srv.connections()).toBe(1);
      await srv.allClosed();
    } finally {
      await srv.close();
    }
  }, 5_000);

  it("pollHealth: abort between attempts returns aborted and closes the connection", async () => {
    const srv = await countingServer(() => 503);
    const ctl = new AbortController();
    // Aborts when the loop begins its third wait, i.e. between attempts.
    class AbortOnThirdWait extends Nudge {
      waits = 0;
      override wait(ms: number, signal: AbortSignal): Promise<void> {
        const waiting = super.wait(ms, signal);
        if (++this.waits === 3) ctl.abort();
        return waiting;
      }
    }
    const nudge = new AbortOnThirdWait();
    try {
      expect(await pollHealth(srv.url, 60_000, ctl.signal, nudge)).toBe("aborted");
      expect(nudge.waits).toBe(3);
      expect(srv.requests()).toBe(3);
      expect(srv.connections()).toBe(1);
      await srv.allClosed();
    } finally {
      await srv.close();
    }
  }, 5_000);

  it("pollHealth: an attempt that is never answered is cut at the deadline, outcome timeout, connection closed", async () => {
    const srv = await countingServer(() => "hold");
    try {
      expect(await pollHealth(srv.url, 300, new AbortController().signal)).toBe("timeout");
      expect(srv.requests()).toBe(1);
      await srv.allClosed();
    } finally {
      await srv.close();
    }
  }, 5_000);

  it("pollHealth: refused while the port is closed, healthy once a server listens on it", async () => {
    const port = await freePort();
    const refused = Promise.withResolvers<void>();
    const onError = (): void => refused.resolve();
    diagnostics_channel.subscribe("http.client.request.error", onError);
    const polling = pollHealth(`http://127.0.0.1:${port}/health`, 10_000, new AbortController().signal);
    const server = createServer((_req, res) => res.end("ok"));
    try {
      await refused.promise;
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      expect(await polling).toBe("healthy");
    } finally {
      diagnostics_channel.unsubscribe("http.client.request.error", onError);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 5_000);

  it("pollHealth: a burst of nudges costs at most about one check per fast interval (1 ms)", async () => {
    const srv = await countingServer(() => 503);
    const nudge = new Nudge();
    let polling = true;
    const spam = (): void => {
      nudge.nudge();
      if (polling) setImmediate(spam);
    };
    try {
      const started = performance.now();
      spam();
      expect(await pollHealth(srv.url, 300, new AbortController().signal, nudge)).toBe("timeout");
      polling = false;
      const elapsedMs = performance.now() - started;
      expect(srv.requests()).toBeLessThanOrEqual(Math.ceil(elapsedMs) + 2);
    } finally {
      polling = false;
      await srv.close();
    }
  }, 5_000);

  it("pollHealth: onAnswering runs once, on the first answer that is not a 200", async () => {
    const srv = await countingServer((n) => (n < 3 ? 503 : 200));
    const answers: number[] = [];
    try {
      const signal = new AbortController().signal;
      const outcome = await pollHealth(srv.url, 10_000, signal, new Nudge(), () =>
        answers.push(srv.requests()),
      );
      expect(outcome).toBe("healthy");
      expect(answers).toEqual([1]);
      await srv.allClosed();
    } finally {
      await srv.close();
    }
  }, 5_000);

  it("pollHealth: onAnswering does not run when the first answer is a 200, nor while refused", async () => {
    const srv = await countingServer(() => 200);
    let answered = 0;
    try {
      const signal = new AbortController().signal;
      expect(await pollHealth(srv.url, 10_000, signal, new Nudge(), () => answered++)).toBe("healthy");
      expect(answered).toBe(0);
      const port = await freePort();
      const refused = pollHealth(
        `http://127.0.0.1:${port}/health`,
        100,
        signal,
        new Nudge(),
        () => answered++,
      );
      expect(await refused).toBe("timeout");
      expect(answered).toBe(0);
    } finally {
      await srv.close();
    }
  }, 5_000);
});
