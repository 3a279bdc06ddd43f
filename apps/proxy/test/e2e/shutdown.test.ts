/**
 * Shutting the proxy down, gracefully or not, leaves no process behind; a proxy that was
 * SIGKILLed has its orphans swept by the next start on the same state dir.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { answeredBy, chat, fakeStats, pollUntil } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

describe.concurrent("e2e: shutdown", () => {
  test("SIGTERM while a model is loading answers the waiting client 503 shutting_down and leaves no process", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { slow: run.fake("slow", port!, { startupDelayMs: 3000 }) },
    });
    const waiting = chat(proxy, "slow");
    await run.starts.waitForStart("slow");

    const exit = await proxy.stop();

    const res = await waiting;
    expect(res.status, res.text).toBe(503);
    expect(res.json).toMatchObject({ error: { code: "shutting_down" } });
    expect(exit).toEqual({ code: 0, signal: null });
    run.expectNoLeftovers();
  });

  test("a second SIGTERM forces the shutdown without waiting for a long in-flight request", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { long: run.fake("long", port!, { responseDelayMs: 30_000 }) },
    });
    const inFlight = chat(proxy, "long").catch((err: Error) => err);
    await pollUntil("long to receive its request", async () =>
      (await fakeStats(port!)).inFlight === 1 ? true : undefined,
    );

    proxy.signal("SIGTERM");
    await proxy.waitForLine(/shutting down/);
    const forcedAt = performance.now();
    proxy.signal("SIGTERM");
    await proxy.exited;

    expect(performance.now() - forcedAt, "the forced shutdown must not wait for the request").toBeLessThan(
      8_000,
    );
    await inFlight;
    run.expectNoLeftovers();
  });

  test("shutdown kills an upstream that ignores SIGTERM once its unloadTimeout has passed", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { stubborn: run.fake("stubborn", port!, { ignoreSigterm: "always" }, { unloadTimeout: 1 }) },
    });
    expect(answeredBy(await chat(proxy, "stubborn"))).toBe("stubborn");

    const exit = await proxy.stop(8_000);

    expect(exit).toEqual({ code: 0, signal: null });
    run.expectNoLeftovers();
  });

  test("after the proxy is SIGKILLed, the next start on the same state dir kills the orphaned model", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const stateDir = join(run.dir, "state");
    const config = { models: { orphan: run.fake("orphan", port!) } };
    const first = await run.startProxy(config, ["--state-dir", stateDir]);
    expect(answeredBy(await chat(first, "orphan"))).toBe("orphan");
    const orphanPid = run.starts.lastPid("orphan");

    first.signal("SIGKILL");
    await first.exited;
    expect(isLive(orphanPid), "the model outlives a SIGKILLed proxy (the case the sweep is for)").toBe(true);

    const second = await run.startProxy(config, ["--state-dir", stateDir]);

    await pollUntil("the orphan to be swept", async () => (isLive(orphanPid) ? undefined : true), 5_000);
    const res = await chat(second, "orphan");
    expect(res.status, res.text).toBe(200);
    expect(run.starts.startsOf("orphan")).toHaveLength(2);
  });
});
