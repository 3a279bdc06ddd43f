/**
 * The fast-path race: a request for the loaded model that is still uploading its body when a
 * swap request arrives must still be answered by the model it asked for, never cut off by
 * the swap.
 */
import { describe, expect, type TestContext, test } from "vitest";
import { answeredBy, chat, chatBody, fakeInfo } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { sendComplete, slowUpload } from "./slow-upload.ts";

async function swapPair(ctx: TestContext) {
  const run = e2eRun(ctx);
  const [pa, pb] = await freePorts(2);
  const proxy = await run.startProxy({
    models: {
      a: run.fake("a", pa!, { startupDelayMs: 50, echo: true }),
      b: run.fake("b", pb!, { startupDelayMs: 150, responseDelayMs: 100 }),
    },
    routing: {
      router: { use: "group", settings: { groups: { pair: { swap: true, members: ["a", "b"] } } } },
    },
  });
  const warm = await chat(proxy, "a");
  expect(answeredBy(warm)).toBe("a");
  return { run, proxy };
}

/** Sends a complete request for b and resolves once all of it has left the client. */
function sendSwap(url: string) {
  return sendComplete(`${url}/v1/chat/completions`, JSON.stringify(chatBody("b")));
}

describe.concurrent("e2e: fast-path race", () => {
  test("a slow upload to the loaded model, finished right after a swap request, is answered by that model", async (ctx) => {
    const { proxy } = await swapPair(ctx);
    const upload = slowUpload(`${proxy.url}/v1/chat/completions`, JSON.stringify(chatBody("a")), 12);
    await upload.firstPartSent;
    const swap = await sendSwap(proxy.url);
    await upload.finish();

    const [held, swapped] = await Promise.all([upload.response, swap.response]);
    expect(held.status, held.text).toBe(200);
    expect(answeredBy(held)).toBe("a");
    expect(swapped.status, swapped.text).toBe(200);
    expect(answeredBy(swapped)).toBe("b");
  });

  test("a slow upload naming the loaded model in ?model=, finished right after a swap request, is answered by that model", async (ctx) => {
    // With ?model= the proxy can decide from the headers alone, before the body has arrived:
    // the decision-to-forwarding window then spans the whole upload.
    const { proxy } = await swapPair(ctx);
    const upload = slowUpload(`${proxy.url}/v1/chat/completions?model=a`, JSON.stringify(chatBody("a")), 12);
    await upload.firstPartSent;
    const swap = await sendSwap(proxy.url);
    await upload.finish();

    const [held, swapped] = await Promise.all([upload.response, swap.response]);
    expect(held.status, held.text).toBe(200);
    expect(answeredBy(held)).toBe("a");
    expect(swapped.status, swapped.text).toBe(200);
    expect(answeredBy(swapped)).toBe("b");
  });

  test("a slow upload piped through /upstream/<loaded model>/ is answered by that model, body intact, despite a swap request", async (ctx) => {
    // /upstream pipes the body: the request is admitted from its headers, so the swap request
    // arrives while the granted request is still uploading.
    const { proxy } = await swapPair(ctx);
    const body = chatBody("a", { note: "x".repeat(2000) });
    const upload = slowUpload(`${proxy.url}/upstream/a/v1/chat/completions`, JSON.stringify(body), 100);
    await upload.firstPartSent;
    const swap = await sendSwap(proxy.url);
    await upload.finish();

    const [held, swapped] = await Promise.all([upload.response, swap.response]);
    expect(held.status, held.text).toBe(200);
    expect(answeredBy(held)).toBe("a");
    expect(fakeInfo(held).echo?.body).toEqual(body);
    expect(swapped.status, swapped.text).toBe(200);
    expect(answeredBy(swapped)).toBe("b");
  });
});
