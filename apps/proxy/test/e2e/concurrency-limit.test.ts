/**
 * concurrencyLimit end to end: a request beyond the limit gets 429 concurrency_limit.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat, fakeStats, openaiClient, pollUntil } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

describe.concurrent("e2e: concurrency limit", () => {
  test("a request beyond concurrencyLimit is answered 429 concurrency_limit while the first completes", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { c: run.fake("c", port!, { responseDelayMs: 1500 }, { concurrencyLimit: 1 }) },
    });
    const first = chat(proxy, "c");
    await pollUntil("c to receive the first request", async () =>
      (await fakeStats(port!)).inFlight === 1 ? true : undefined,
    );

    const client = openaiClient(proxy);
    const second = client.chat.completions.create({
      model: "c",
      messages: [{ role: "user", content: "hi" }],
    });

    await expect(second).rejects.toMatchObject({ status: 429, code: "concurrency_limit" });
    const res = await first;
    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("c");
    expect((await fakeStats(port!)).received).toBe(1);
    // The slot is free again.
    expect(answeredBy(await chat(proxy, "c"))).toBe("c");
  });

  test("without concurrencyLimit a model serves ten requests at once and refuses the eleventh (llama-swap's default)", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { d: run.fake("d", port!, { responseDelayMs: 1500 }) } });
    expect(answeredBy(await chat(proxy, "d"))).toBe("d");
    const ten = Array.from({ length: 10 }, () => chat(proxy, "d"));
    await pollUntil("d to hold ten requests", async () =>
      (await fakeStats(port!)).inFlight === 10 ? true : undefined,
    );

    const eleventh = await chat(proxy, "d");

    expect(eleventh.status, eleventh.text).toBe(429);
    expect(eleventh.json).toMatchObject({ error: { code: "concurrency_limit" } });
    for (const res of await Promise.all(ten)) expect(res.status).toBe(200);
  });
});
