/**
 * llama-swap groups end to end: swap, exclusive and persistent, with real fake upstreams.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

function groups(spec: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return { routing: { router: { use: "group", settings: { groups: spec } } } };
}

describe.concurrent("e2e: swap groups", () => {
  test("a request for the second model of a swap group is answered by it and the first is stopped", async (ctx) => {
    const run = e2eRun(ctx);
    const [pa, pb] = await freePorts(2);
    const proxy = await run.startProxy({
      models: {
        a: run.fake("a", pa!, { startupDelayMs: 100 }),
        b: run.fake("b", pb!, { startupDelayMs: 100 }),
      },
      ...groups({ pair: { swap: true, members: ["a", "b"] } }),
    });

    const first = await chat(proxy, "a");
    expect(first.status, first.text).toBe(200);
    expect(answeredBy(first)).toBe("a");
    const pidA = run.starts.lastPid("a");

    const second = await chat(proxy, "b");
    expect(second.status, second.text).toBe(200);
    expect(answeredBy(second)).toBe("b");
    expect(isLive(pidA), "a must be stopped once b serves").toBe(false);
    expect(await runningIds(proxy)).toEqual(["b"]);
    expect(run.starts.names()).toEqual(["a", "b"]);
  });

  test("five swap-group models sharing one port never run together and all five are answered", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const ids = ["m1", "m2", "m3", "m4", "m5"];
    // Same port and same lock file: a second live member cannot bind, so any overlap fails loudly.
    const knobs = { startupDelayMs: 50, responseDelayMs: 100, exclusiveLock: "one-port.lock" };
    const models = Object.fromEntries(ids.map((id) => [id, run.fake(id, port!, knobs)]));
    const proxy = await run.startProxy({ models, ...groups({ all: { swap: true, members: ids } }) });

    const results = await Promise.all(ids.map((id) => chat(proxy, id)));

    for (const [i, id] of ids.entries()) {
      const res = results[i]!;
      expect(res.status, `${id}: ${res.text}`).toBe(200);
      expect(answeredBy(res)).toBe(id);
    }
    expect([...run.starts.names()].sort()).toEqual(ids);
    expect((await runningIds(proxy)).length).toBe(1);
  });

  test("members of a non-swap group run together", async (ctx) => {
    const run = e2eRun(ctx);
    const [p1, p2] = await freePorts(2);
    const proxy = await run.startProxy({
      models: { n1: run.fake("n1", p1!), n2: run.fake("n2", p2!) },
      ...groups({ together: { swap: false, exclusive: true, members: ["n1", "n2"] } }),
    });

    expect(answeredBy(await chat(proxy, "n1"))).toBe("n1");
    expect(answeredBy(await chat(proxy, "n2"))).toBe("n2");
    expect(isLive(run.starts.lastPid("n1"))).toBe(true);
    expect(isLive(run.starts.lastPid("n2"))).toBe(true);
    expect(await runningIds(proxy)).toEqual(["n1", "n2"]);
    expect(answeredBy(await chat(proxy, "n1"))).toBe("n1");
    expect(run.starts.names()).toEqual(["n1", "n2"]);
  });

  test("loading a member of an exclusive group unloads the other groups", async (ctx) => {
    const run = e2eRun(ctx);
    const [po, px] = await freePorts(2);
    const proxy = await run.startProxy({
      models: { other: run.fake("other", po!), big: run.fake("big", px!) },
      ...groups({
        small: { swap: true, exclusive: false, members: ["other"] },
        solo: { swap: true, exclusive: true, members: ["big"] },
      }),
    });

    expect(answeredBy(await chat(proxy, "other"))).toBe("other");
    const otherPid = run.starts.lastPid("other");
    expect(answeredBy(await chat(proxy, "big"))).toBe("big");
    expect(isLive(otherPid), "the exclusive group's load must stop the other group").toBe(false);
    expect(await runningIds(proxy)).toEqual(["big"]);
  });

  test("loading a member of a non-exclusive group leaves other groups running", async (ctx) => {
    const run = e2eRun(ctx);
    const [pa, pb] = await freePorts(2);
    const proxy = await run.startProxy({
      models: { left: run.fake("left", pa!), right: run.fake("right", pb!) },
      ...groups({
        g1: { swap: true, exclusive: false, members: ["left"] },
        g2: { swap: true, exclusive: false, members: ["right"] },
      }),
    });

    expect(answeredBy(await chat(proxy, "left"))).toBe("left");
    expect(answeredBy(await chat(proxy, "right"))).toBe("right");
    expect(isLive(run.starts.lastPid("left"))).toBe(true);
    expect(await runningIds(proxy)).toEqual(["left", "right"]);
  });

  test("a persistent group is never unloaded by other groups' loads or swaps", async (ctx) => {
    const run = e2eRun(ctx);
    const [pp, p1, p2] = await freePorts(3);
    const proxy = await run.startProxy({
      models: { keep: run.fake("keep", pp!), m1: run.fake("m1", p1!), m2: run.fake("m2", p2!) },
      ...groups({
        forever: { persistent: true, swap: false, exclusive: false, members: ["keep"] },
        main: { swap: true, exclusive: true, members: ["m1", "m2"] },
      }),
    });

    expect(answeredBy(await chat(proxy, "keep"))).toBe("keep");
    const keepPid = run.starts.lastPid("keep");
    expect(answeredBy(await chat(proxy, "m1"))).toBe("m1");
    expect(answeredBy(await chat(proxy, "m2"))).toBe("m2");
    expect(isLive(keepPid), "the persistent member must survive an exclusive load").toBe(true);
    expect(isLive(run.starts.lastPid("m1"))).toBe(false);
    expect(await runningIds(proxy)).toEqual(["keep", "m2"]);
    expect(answeredBy(await chat(proxy, "keep"))).toBe("keep");
    expect(run.starts.startsOf("keep")).toHaveLength(1);
  });
});
