/**
 * --watch-config end to end: editing the file adds, removes and restarts models.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat, pollUntil } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

describe.concurrent("e2e: config reload", () => {
  test("an edited config restarts a changed model, stops a removed one and serves an added one", async (ctx) => {
    const run = e2eRun(ctx);
    const [pa, pb, pc] = await freePorts(3);
    const together = (members: string[]) => ({
      routing: { router: { use: "group", settings: { groups: { g: { swap: false, members } } } } },
    });
    const proxy = await run.startProxy(
      { models: { a: run.fake("a", pa!), b: run.fake("b", pb!) }, ...together(["a", "b"]) },
      ["--watch-config"],
    );
    expect(answeredBy(await chat(proxy, "a"))).toBe("a");
    expect(answeredBy(await chat(proxy, "b"))).toBe("b");
    const oldA = run.starts.lastPid("a");
    const oldB = run.starts.lastPid("b");

    const from = proxy.lines.length;
    run.writeConfig({
      models: { a: run.fake("a", pa!, { responseDelayMs: 1 }), c: run.fake("c", pc!) },
      ...together(["a", "c"]),
    });
    const line = await proxy.waitForLine(/config reloaded/, { from });

    expect(JSON.parse(line)).toMatchObject({ added: ["c"], removed: ["b"], changed: ["a"] });
    await pollUntil("the old a and b to stop", async () => (isLive(oldA) || isLive(oldB) ? undefined : true));
    const removed = await chat(proxy, "b");
    expect(removed.status, removed.text).toBe(404);
    const restarted = await chat(proxy, "a");
    expect(restarted.status, restarted.text).toBe(200);
    expect(answeredBy(restarted)).toBe("a");
    expect(run.starts.startsOf("a")).toHaveLength(2);
    expect(answeredBy(await chat(proxy, "c"))).toBe("c");
  });

  test("an invalid edit is rejected and the old config keeps serving", async (ctx) => {
    const run = e2eRun(ctx);
    const [pa] = await freePorts(1);
    const proxy = await run.startProxy({ models: { a: run.fake("a", pa!) } }, ["--watch-config"]);
    expect(answeredBy(await chat(proxy, "a"))).toBe("a");

    const from = proxy.lines.length;
    run.writeConfig({ models: { a: { proxy: "http://127.0.0.1:1" } } });
    await proxy.waitForLine(/config reload rejected/, { from });

    const res = await chat(proxy, "a");
    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("a");
    expect(run.starts.startsOf("a")).toHaveLength(1);
  });
});
