/**
 * hotswap's memory planner end to end: device budgets decide what stays loaded.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

describe.concurrent("e2e: memory planner", () => {
  test("evicts just enough to fit the requested model and keeps what still fits", async (ctx) => {
    const run = e2eRun(ctx);
    const [p1, p2, p3] = await freePorts(3);
    const mem = (gpu0: number) => ({ hotswap: { memory: { gpu0 } } });
    const proxy = await run.startProxy({
      hotswap: { devices: { gpu0: 100 } },
      routing: { router: { use: "memory" } },
      models: {
        big: run.fake("big", p1!, {}, mem(60)),
        small: run.fake("small", p2!, {}, mem(30)),
        mid: run.fake("mid", p3!, {}, mem(50)),
      },
    });

    expect(answeredBy(await chat(proxy, "big"))).toBe("big");
    expect(answeredBy(await chat(proxy, "small"))).toBe("small");
    expect(await runningIds(proxy), "60 + 30 fits in 100").toEqual(["big", "small"]);
    const bigPid = run.starts.lastPid("big");
    const smallPid = run.starts.lastPid("small");

    const res = await chat(proxy, "mid");

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("mid");
    // Evicting small alone leaves 60 + 50 > 100, so big must go; small + mid = 80 fits.
    expect(isLive(bigPid)).toBe(false);
    expect(isLive(smallPid)).toBe(true);
    expect(await runningIds(proxy)).toEqual(["mid", "small"]);
  });

  test("a config with a model larger than its device is refused at startup, naming the model", async (ctx) => {
    const run = e2eRun(ctx);
    const [p1, p2] = await freePorts(2);
    const config = {
      hotswap: { devices: { gpu0: 100 } },
      routing: { router: { use: "memory" } },
      models: {
        fits: run.fake("fits", p1!, {}, { hotswap: { memory: { gpu0: 60 } } }),
        huge: run.fake("huge", p2!, {}, { hotswap: { memory: { gpu0: 150 } } }),
      },
    };

    await expect(run.startProxy(config)).rejects.toThrow(
      /exited \({"code":1[\s\S]*models\.huge\.hotswap\.memory/,
    );
    expect(run.starts.names()).toEqual([]);
  });

  test("device budgets apply on top of groups: a non-swap group's members still evict each other when they do not fit", async (ctx) => {
    const run = e2eRun(ctx);
    const [p1, p2, p3] = await freePorts(3);
    const mem = (gpu0: number) => ({ hotswap: { memory: { gpu0 } } });
    const proxy = await run.startProxy({
      hotswap: { devices: { gpu0: 100 } },
      models: {
        g1: run.fake("g1", p1!, {}, mem(70)),
        g2: run.fake("g2", p2!, {}, mem(50)),
        g3: run.fake("g3", p3!, {}, mem(20)),
      },
      routing: {
        router: { use: "group", settings: { groups: { all: { swap: false, members: ["g1", "g2", "g3"] } } } },
      },
    });
    expect(answeredBy(await chat(proxy, "g1"))).toBe("g1");
    expect(answeredBy(await chat(proxy, "g3"))).toBe("g3");
    expect(await runningIds(proxy), "70 + 20 fits").toEqual(["g1", "g3"]);
    const g1Pid = run.starts.lastPid("g1");

    expect(answeredBy(await chat(proxy, "g2"))).toBe("g2");

    expect(isLive(g1Pid), "70 + 50 exceeds 100 although the group allows both").toBe(false);
    expect(await runningIds(proxy)).toEqual(["g2", "g3"]);
  });
});
