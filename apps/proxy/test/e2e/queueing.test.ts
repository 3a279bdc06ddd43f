/**
 * hotswap's queue settings end to end: onConcurrencyLimit "queue", maxQueueLength, and the
 * fifo scheduler's priorities.
 */
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { answeredBy, chat, chatBody, fakeStats, pollUntil, runningIds } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { sendComplete } from "./slow-upload.ts";

describe.concurrent("e2e: queueing", () => {
  test('with onConcurrencyLimit "queue" a request beyond the limit waits for the slot instead of a 429', async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      hotswap: { onConcurrencyLimit: "queue" },
      models: { q: run.fake("q", port!, { responseDelayMs: 400 }, { concurrencyLimit: 1 }) },
    });
    const first = chat(proxy, "q");
    await pollUntil("q to receive the first request", async () =>
      (await fakeStats(port!)).inFlight === 1 ? true : undefined,
    );

    const second = await chat(proxy, "q");

    expect(second.status, second.text).toBe(200);
    expect(answeredBy(second)).toBe("q");
    expect((await first).status).toBe(200);
    const stats = await fakeStats(port!);
    expect(stats.received).toBe(2);
    expect(stats.maxInFlight, "the limit of 1 must hold").toBe(1);
  });

  test("with maxQueueLength 1 a second waiting request is refused 429 queue_full while the first is served", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      hotswap: { maxQueueLength: 1 },
      models: { slow: run.fake("slow", port!, { startupDelayMs: 1500 }) },
    });
    const first = chat(proxy, "slow");
    await run.starts.waitForStart("slow");

    const second = await chat(proxy, "slow");

    expect(second.status, second.text).toBe(429);
    expect(second.json).toMatchObject({ error: { code: "queue_full", type: "rate_limit_error" } });
    const served = await first;
    expect(served.status, served.text).toBe(200);
    expect(answeredBy(served)).toBe("slow");
  });

  test("fifo priorities: among waiting requests the higher-priority model is served first", async (ctx) => {
    const run = e2eRun(ctx);
    const [p0, p1, p2] = await freePorts(3);
    const ids = ["first", "low", "high"];
    const proxy = await run.startProxy({
      models: {
        first: run.fake("first", p0!, { startupDelayMs: 1200 }),
        low: run.fake("low", p1!),
        high: run.fake("high", p2!),
      },
      routing: {
        router: { use: "group", settings: { groups: { one: { swap: true, members: ids } } } },
        scheduler: { use: "fifo", settings: { fifo: { priority: { high: 10 } } } },
      },
    });
    const url = `${proxy.url}/v1/chat/completions`;
    const sent = [await sendComplete(url, JSON.stringify(chatBody("first")))];
    await run.starts.waitForStart("first");
    for (const id of ["low", "high"]) sent.push(await sendComplete(url, JSON.stringify(chatBody(id))));

    const results = await Promise.all(sent.map((s) => s.response));

    for (const [i, id] of ["first", "low", "high"].entries()) expect(answeredBy(results[i]!)).toBe(id);
    expect(run.starts.names()).toEqual(["first", "high", "low"]);
  });

  test("a request queued behind a busy model whose client leaves never starts its model", async (ctx) => {
    const run = e2eRun(ctx);
    const [pa, pb] = await freePorts(2);
    const proxy = await run.startProxy({
      models: {
        a: run.fake("a", pa!, { responseDelayMs: 2000 }),
        // The loading state makes the proxy answer headers at admission: the signal that b is queued.
        b: run.fake("b", pb!, {}, { sendLoadingState: true }),
      },
      routing: {
        router: { use: "group", settings: { groups: { pair: { swap: true, members: ["a", "b"] } } } },
      },
    });
    expect(answeredBy(await chat(proxy, "a"))).toBe("a");
    const busy = chat(proxy, "a");
    await pollUntil("a to receive the long request", async () =>
      (await fakeStats(pa!)).inFlight === 1 ? true : undefined,
    );

    const abort = new AbortController();
    const queued = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chatBody("b", { stream: true })),
      signal: abort.signal,
    });
    expect(queued.statusCode).toBe(200);
    abort.abort();
    await queued.body.text().catch(() => "");

    expect(answeredBy(await busy)).toBe("a");
    expect(answeredBy(await chat(proxy, "a"))).toBe("a");
    expect(run.starts.names(), "b must never start for a request that left").toEqual(["a"]);
    expect(await runningIds(proxy)).toEqual(["a"]);
  });
});
