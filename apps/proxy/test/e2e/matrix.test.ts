/**
 * llama-swap's swap matrix end to end: the solver keeps the costliest running model when it
 * has a choice of sets.
 */
import { describe, expect, type TestContext, test } from "vitest";
import { answeredBy, chat, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

/** x fits with z (listed first) or with y; y and z fit together. */
async function matrixRun(ctx: TestContext, evictCosts: Record<string, number>) {
  const run = e2eRun(ctx);
  const [px, py, pz] = await freePorts(3);
  const proxy = await run.startProxy({
    models: { x: run.fake("x", px!), y: run.fake("y", py!), z: run.fake("z", pz!) },
    routing: {
      router: {
        use: "matrix",
        settings: {
          matrix: {
            vars: { X: "x", Y: "y" },
            evict_costs: evictCosts,
            sets: { withZ: "X & z", withY: "X & Y", pair: "Y & z" },
          },
        },
      },
    },
  });
  expect(answeredBy(await chat(proxy, "y"))).toBe("y");
  expect(answeredBy(await chat(proxy, "z"))).toBe("z");
  expect(await runningIds(proxy)).toEqual(["y", "z"]);
  return { run, proxy };
}

describe.concurrent("e2e: matrix planner", () => {
  test("evict_costs make the solver evict the cheaper model rather than the first listed set's", async (ctx) => {
    const { run, proxy } = await matrixRun(ctx, { Y: 50 });
    const yPid = run.starts.lastPid("y");
    const zPid = run.starts.lastPid("z");

    const res = await chat(proxy, "x");

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("x");
    expect(isLive(yPid), "y costs 50 to evict and must be kept").toBe(true);
    expect(isLive(zPid), "z costs 1 and must be the one evicted").toBe(false);
    expect(await runningIds(proxy)).toEqual(["x", "y"]);
  });

  test("with equal costs the solver picks the first set in definition order", async (ctx) => {
    const { run, proxy } = await matrixRun(ctx, {});
    const yPid = run.starts.lastPid("y");
    const zPid = run.starts.lastPid("z");

    expect(answeredBy(await chat(proxy, "x"))).toBe("x");

    expect(isLive(yPid), "withZ is listed first, so y goes").toBe(false);
    expect(isLive(zPid)).toBe(true);
    expect(await runningIds(proxy)).toEqual(["x", "z"]);
  });

  test("a +ref set keeps its companion loaded across a swap, and a model in no set runs alone", async (ctx) => {
    const run = e2eRun(ctx);
    const [pa, pb, pt, ps] = await freePorts(4);
    const proxy = await run.startProxy({
      models: {
        a: run.fake("a", pa!),
        b: run.fake("b", pb!),
        tts: run.fake("tts", pt!),
        solo: run.fake("solo", ps!),
      },
      routing: {
        router: { use: "matrix", settings: { matrix: { sets: { llms: "a | b", speech: "+llms & tts" } } } },
      },
    });
    expect(answeredBy(await chat(proxy, "tts"))).toBe("tts");
    expect(answeredBy(await chat(proxy, "a"))).toBe("a");
    expect(await runningIds(proxy)).toEqual(["a", "tts"]);
    const ttsPid = run.starts.lastPid("tts");

    expect(answeredBy(await chat(proxy, "b"))).toBe("b");
    expect(await runningIds(proxy), "b replaces a, tts stays").toEqual(["b", "tts"]);
    expect(isLive(ttsPid)).toBe(true);

    expect(answeredBy(await chat(proxy, "solo"))).toBe("solo");
    expect(await runningIds(proxy), "a model in no set runs on its own").toEqual(["solo"]);
    expect(isLive(ttsPid)).toBe(false);
  });
});
