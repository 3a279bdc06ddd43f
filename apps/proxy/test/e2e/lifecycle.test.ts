/**
 * Loading and unloading without swaps: TTL expiry, the unload API, startup preload.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat, fakeInfo, fakeStats, http, pollUntil, running, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

describe.concurrent("e2e: lifecycle", () => {
  test("a model with ttl 1 is unloaded about a second after its last request", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { t: run.fake("t", port!, {}, { ttl: 1 }) } });

    const res = await chat(proxy, "t");
    const answeredAt = performance.now();
    expect(answeredBy(res)).toBe("t");
    const pid = run.starts.lastPid("t");

    await pollUntil("t to leave /running", async () =>
      (await runningIds(proxy)).length === 0 ? true : undefined,
    );
    const idleFor = performance.now() - answeredAt;

    // The TTL starts when the proxy finishes the answer, a little before the client has it.
    expect(idleFor, "unloaded long before its TTL").toBeGreaterThanOrEqual(500);
    await pollUntil("t's process to exit", async () => (isLive(pid) ? undefined : true), 5_000);
    expect(run.starts.startsOf("t")).toHaveLength(1);
  });

  test("POST /api/models/unload waits for the in-flight request, which completes, then stops the model", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { u: run.fake("u", port!, { responseDelayMs: 800 }) } });
    const finished: string[] = [];
    const inFlight = chat(proxy, "u").then((r) => {
      finished.push("request");
      return r;
    });
    await pollUntil("u to receive the request", async () =>
      (await fakeStats(port!)).inFlight === 1 ? true : undefined,
    );
    const pid = run.starts.lastPid("u");

    const unload = http("POST", `${proxy.url}/api/models/unload`).then((r) => {
      finished.push("unload");
      return r;
    });
    const [res, unloaded] = await Promise.all([inFlight, unload]);

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("u");
    expect(unloaded.status, unloaded.text).toBe(200);
    expect(finished).toEqual(["request", "unload"]);
    await pollUntil("u's process to exit", async () => (isLive(pid) ? undefined : true), 5_000);
    expect(await runningIds(proxy)).toEqual([]);
  });

  test("hooks.on_startup.preload starts a model before any request and serves from it", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { p: run.fake("p", port!, { startupDelayMs: 100 }) },
      hooks: { on_startup: { preload: ["p"] } },
    });

    await run.starts.waitForStart("p");
    await pollUntil("p to be ready in /running", async () =>
      (await running(proxy)).some((m) => m.model === "p" && m.state === "ready") ? true : undefined,
    );
    const res = await chat(proxy, "p");

    expect(answeredBy(res)).toBe("p");
    expect(run.starts.startsOf("p")).toHaveLength(1);
  });

  test("unloading a model while it loads answers its waiting request 503 model_unloaded and stops it", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { slow: run.fake("slow", port!, { startupDelayMs: 3000 }) },
    });
    const waiting = chat(proxy, "slow");
    await run.starts.waitForStart("slow");
    const pid = run.starts.lastPid("slow");

    const unload = await http("POST", `${proxy.url}/api/models/unload/slow`);

    expect(unload.status, unload.text).toBe(200);
    const res = await waiting;
    expect(res.status, res.text).toBe(503);
    expect(res.json).toMatchObject({ error: { code: "model_unloaded" } });
    await pollUntil("slow's process to exit", async () => (isLive(pid) ? undefined : true), 5_000);
    expect(await runningIds(proxy)).toEqual([]);
  });

  test("a TTL shorter than a request never unloads the model while it serves", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { t: run.fake("t", port!, { responseDelayMs: 2500 }, { ttl: 1 }) },
    });

    const res = await chat(proxy, "t");

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("t");
    expect(run.starts.startsOf("t"), "t was restarted: it was unloaded mid-request").toHaveLength(1);
  });

  test("a request that arrives while its model is stopping gets a fresh process on the same port", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      // Ignoring SIGTERM keeps the old process (and its port) alive for its 1 s grace period.
      models: { s: run.fake("s", port!, { ignoreSigterm: "always" }, { unloadTimeout: 1 }) },
    });
    expect(answeredBy(await chat(proxy, "s"))).toBe("s");
    const oldPid = run.starts.lastPid("s");
    const unload = http("POST", `${proxy.url}/api/models/unload`);
    await pollUntil("s to be stopping", async () =>
      (await running(proxy)).some((m) => m.model === "s" && m.state === "stopping") ? true : undefined,
    );

    const res = await chat(proxy, "s");

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("s");
    expect(fakeInfo(res).pid).not.toBe(oldPid);
    expect(isLive(oldPid)).toBe(false);
    expect((await unload).status).toBe(200);
    expect(run.starts.startsOf("s")).toHaveLength(2);
  });
});
