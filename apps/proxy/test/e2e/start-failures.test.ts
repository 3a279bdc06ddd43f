/**
 * A model that never becomes healthy, or dies while starting, is answered 502 start_failed
 * with the model's own log lines; one that crashes while serving is restarted on demand.
 */
import { createServer, type Server } from "node:net";
import { describe, expect, test } from "vitest";
import { answeredBy, chat, pollUntil, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function errorMessage(json: unknown): string {
  return (json as { error?: { message?: string } } | undefined)?.error?.message ?? "";
}

describe.concurrent("e2e: start failures", () => {
  test("a model that misses its health timeout gets 502 start_failed with its log lines, and is stopped", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      // llama-swap (and so hotswap) raises anything lower to 15 s: the slowest test of the suite.
      healthCheckTimeout: 15,
      models: { sick: run.fake("sick", port!, { neverHealthy: true, logLines: 4 }) },
    });

    const res = await chat(proxy, "sick");

    expect(res.status, res.text).toBe(502);
    expect(res.json).toMatchObject({ error: { code: "start_failed", type: "server_error" } });
    const message = errorMessage(res.json);
    expect(message).toContain("sick log line 3 of 4");
    expect(message).toContain("sick log line 4 of 4");
    expect(isLive(run.starts.lastPid("sick")), "a model that failed its health check must be stopped").toBe(
      false,
    );
    expect(await runningIds(proxy)).toEqual([]);
  });

  test("a model that exits while starting gets 502 start_failed with its stdout and stderr lines", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const blocker = await occupy(port!);
    try {
      const proxy = await run.startProxy({
        models: { doomed: run.fake("doomed", port!, { logLines: 2 }) },
      });

      const res = await chat(proxy, "doomed");

      expect(res.status, res.text).toBe(502);
      expect(res.json).toMatchObject({ error: { code: "start_failed" } });
      const message = errorMessage(res.json);
      expect(message).toContain("doomed log line 1 of 2");
      expect(message).toContain("doomed log line 2 of 2");
      expect(message).toContain("EADDRINUSE");
      expect(await runningIds(proxy)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  test("a model that crashes while serving answers 502 and the next request starts it again", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { flaky: run.fake("flaky", port!, { crashAfter: 1 }) } });

    expect(answeredBy(await chat(proxy, "flaky"))).toBe("flaky");
    const crashed = await chat(proxy, "flaky");
    expect(crashed.status, crashed.text).toBe(502);
    expect((crashed.json as { error?: unknown } | undefined)?.error).toBeDefined();
    // Gate on the proxy having seen the exit: it no longer lists flaky as loaded.
    await pollUntil("flaky to leave /running", async () =>
      (await runningIds(proxy)).includes("flaky") ? undefined : true,
    );

    const again = await chat(proxy, "flaky");
    expect(again.status, again.text).toBe(200);
    expect(answeredBy(again)).toBe("flaky");
    expect(run.starts.startsOf("flaky")).toHaveLength(2);
  });
});
