/**
 * No process outlives its purpose: stubborn upstreams are killed after unloadTimeout,
 * grandchildren go with their group, a client that leaves mid-swap leaves nothing queued,
 * and SIGTERM to the proxy stops everything.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat, chatBody, fakeStats, http, pollUntil, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive, liveProcessesOfRun } from "./processes.ts";

const gone = (pid: number) => async () => (isLive(pid) ? undefined : true);

describe.concurrent("e2e: process cleanup", () => {
  test("an upstream that ignores SIGTERM is killed once unloadTimeout has passed", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { stubborn: run.fake("stubborn", port!, { ignoreSigterm: "always" }, { unloadTimeout: 1 }) },
    });
    expect(answeredBy(await chat(proxy, "stubborn"))).toBe("stubborn");
    const pid = run.starts.lastPid("stubborn");

    const startedAt = performance.now();
    const unload = await http("POST", `${proxy.url}/api/models/unload`);
    expect(unload.status, unload.text).toBe(200);
    await pollUntil("the stubborn upstream to be killed", gone(pid), 8_000);
    const took = performance.now() - startedAt;

    expect(took, "killed before its grace period").toBeGreaterThanOrEqual(900);
    expect(await runningIds(proxy)).toEqual([]);
  });

  test("stopping an upstream that forked a grandchild stops the grandchild too", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { forker: run.fake("forker", port!, { forkGrandchild: true }) },
    });
    expect(answeredBy(await chat(proxy, "forker"))).toBe("forker");
    const pid = run.starts.lastPid("forker");
    const grandchildren = liveProcessesOfRun(run.dir).filter((p) => p.ppid === pid);
    expect(grandchildren, "the fake must have forked one grandchild").toHaveLength(1);
    const grandchild = grandchildren[0]!.pid;

    const unload = await http("POST", `${proxy.url}/api/models/unload`);

    expect(unload.status, unload.text).toBe(200);
    await pollUntil("the upstream to exit", gone(pid), 8_000);
    await pollUntil("the grandchild to exit", gone(grandchild), 8_000);
  });

  test("a client that disconnects while its model loads leaves no queued request and no held slot", async (ctx) => {
    const run = e2eRun(ctx);
    const [pa, pb] = await freePorts(2);
    const proxy = await run.startProxy({
      models: {
        a: run.fake("a", pa!),
        b: run.fake("b", pb!, { startupDelayMs: 1500 }, { concurrencyLimit: 1 }),
      },
      routing: {
        router: { use: "group", settings: { groups: { pair: { swap: true, members: ["a", "b"] } } } },
      },
    });
    expect(answeredBy(await chat(proxy, "a"))).toBe("a");
    const abort = new AbortController();
    const leaving = fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chatBody("b")),
      signal: abort.signal,
    });

    await run.starts.waitForStart("b");
    abort.abort();
    await expect(leaving).rejects.toThrow();

    // With concurrencyLimit 1, a leaked slot would turn this into a 429.
    const next = await chat(proxy, "b");
    expect(next.status, next.text).toBe(200);
    expect(answeredBy(next)).toBe("b");
    expect((await fakeStats(pb!)).received, "the abandoned request must never be forwarded").toBe(1);
    expect(answeredBy(await chat(proxy, "a"))).toBe("a");
    expect(await runningIds(proxy)).toEqual(["a"]);
  });

  test("SIGTERM to the proxy lets in-flight work finish, then stops every model and grandchild", async (ctx) => {
    const run = e2eRun(ctx);
    const [p1, p2] = await freePorts(2);
    const proxy = await run.startProxy({
      models: {
        busy: run.fake("busy", p1!, { responseDelayMs: 600 }),
        forker: run.fake("forker", p2!, { forkGrandchild: true }),
      },
      routing: {
        router: {
          use: "group",
          settings: { groups: { both: { swap: false, members: ["busy", "forker"] } } },
        },
      },
    });
    expect(answeredBy(await chat(proxy, "forker"))).toBe("forker");
    const inFlight = chat(proxy, "busy");
    await pollUntil("busy to receive its request", async () =>
      (await fakeStats(p1!)).inFlight === 1 ? true : undefined,
    );
    expect(liveProcessesOfRun(run.dir).length, "proxy, two fakes, one grandchild").toBe(4);

    const exit = await proxy.stop();

    const res = await inFlight;
    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("busy");
    expect(exit).toEqual({ code: 0, signal: null });
    run.expectNoLeftovers();
  });
});
