/**
 * llama-swap's management routes end to end: /v1/models, /running, unloading one model.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat, http, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive } from "./processes.ts";

describe.concurrent("e2e: management API", () => {
  test("POST /api/models/unload/<model> stops that model only; an unknown one is 404", async (ctx) => {
    const run = e2eRun(ctx);
    const [p1, p2] = await freePorts(2);
    const proxy = await run.startProxy({
      models: { one: run.fake("one", p1!), two: run.fake("two", p2!, {}, { aliases: ["deux"] }) },
      routing: {
        router: { use: "group", settings: { groups: { g: { swap: false, members: ["one", "two"] } } } },
      },
    });
    expect(answeredBy(await chat(proxy, "one"))).toBe("one");
    expect(answeredBy(await chat(proxy, "two"))).toBe("two");
    const twoPid = run.starts.lastPid("two");

    const res = await http("POST", `${proxy.url}/api/models/unload/deux`);

    expect(res.status, res.text).toBe(200);
    expect(isLive(twoPid)).toBe(false);
    expect(isLive(run.starts.lastPid("one"))).toBe(true);
    expect(await runningIds(proxy)).toEqual(["one"]);
    const unknown = await http("POST", `${proxy.url}/api/models/unload/nobody`);
    expect(unknown.status, unknown.text).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: "model_not_found" } });
  });

  test("GET /v1/models lists configured models, not unlisted ones, and starts nothing", async (ctx) => {
    const run = e2eRun(ctx);
    const [p1, p2, p3] = await freePorts(3);
    const proxy = await run.startProxy({
      models: {
        beta: run.fake("beta", p1!, {}, { name: "Beta model", description: "the second" }),
        alpha: run.fake("alpha", p2!),
        hidden: run.fake("hidden", p3!, {}, { unlisted: true }),
      },
    });

    const res = await http("GET", `${proxy.url}/v1/models`);

    expect(res.status, res.text).toBe(200);
    const list = res.json as { object: string; data: { id: string; name?: string }[] };
    expect(list.object).toBe("list");
    expect(list.data.map((m) => m.id)).toEqual(["alpha", "beta"]);
    expect(list.data[1]).toMatchObject({ id: "beta", name: "Beta model", description: "the second" });
    expect(run.starts.names()).toEqual([]);
    expect(answeredBy(await chat(proxy, "hidden")), "unlisted models can still be requested").toBe("hidden");
  });
});
