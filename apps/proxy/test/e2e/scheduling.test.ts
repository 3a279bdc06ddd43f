/**
 * Queue order end to end: the fifo scheduler collates requests per model, the serial
 * scheduler serves strictly in arrival order.
 */
import { describe, expect, type TestContext, test } from "vitest";
import { answeredBy, chat, chatBody } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { sendComplete } from "./slow-upload.ts";

/** Sends one chat request per model id, each fully written before the next leaves. */
async function sendInOrder(url: string, ids: readonly string[]) {
  const sent = [];
  for (const id of ids)
    sent.push(await sendComplete(`${url}/v1/chat/completions`, JSON.stringify(chatBody(id))));
  return Promise.all(sent.map((s) => s.response));
}

async function threeInOneSwapGroup(ctx: TestContext, scheduler: "fifo" | "serial") {
  const run = e2eRun(ctx);
  const ports = await freePorts(3);
  const ids = ["A", "B", "C"];
  // A's startup delay keeps A loading while the rest of the burst arrives behind it.
  const models = Object.fromEntries(
    ids.map((id, i) => [id, run.fake(id, ports[i]!, { startupDelayMs: id === "A" ? 400 : 50 })]),
  );
  const proxy = await run.startProxy({
    models,
    routing: {
      router: { use: "group", settings: { groups: { one: { swap: true, members: ids } } } },
      scheduler: { use: scheduler },
    },
  });
  return { run, proxy };
}

describe.concurrent("e2e: scheduling", () => {
  test("fifo: A B C A B C sent together costs three swaps, one per model", async (ctx) => {
    const { run, proxy } = await threeInOneSwapGroup(ctx, "fifo");
    const order = ["A", "B", "C", "A", "B", "C"];

    const results = await sendInOrder(proxy.url, order);

    for (const [i, id] of order.entries()) {
      expect(results[i]!.status, results[i]!.text).toBe(200);
      expect(answeredBy(results[i]!)).toBe(id);
    }
    expect(run.starts.names()).toEqual(["A", "B", "C"]);
  });

  test("serial: requests are served strictly in arrival order, one swap per change of model", async (ctx) => {
    const { run, proxy } = await threeInOneSwapGroup(ctx, "serial");
    const order = ["A", "B", "A", "C", "A"];

    const results = await sendInOrder(proxy.url, order);

    for (const [i, id] of order.entries()) {
      expect(results[i]!.status, results[i]!.text).toBe(200);
      expect(answeredBy(results[i]!)).toBe(id);
    }
    expect(run.starts.names()).toEqual(order);
  });

  test("parallel requests for one cold model start it once and are all answered", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { solo: run.fake("solo", port!, { startupDelayMs: 300 }) },
    });

    const results = await Promise.all(Array.from({ length: 8 }, () => chat(proxy, "solo")));

    for (const res of results) expect(answeredBy(res)).toBe("solo");
    expect(run.starts.startsOf("solo")).toHaveLength(1);
  });
});
