/**
 * Streams end to end: chunks are relayed as they come, a client that leaves mid-stream
 * frees the upstream request and its slot, an upstream dying mid-stream does not pass for
 * a complete answer.
 */
import { request } from "undici";
import { describe, expect, test } from "vitest";
import {
  answeredBy,
  chat,
  chatBody,
  leaveAfterFirstFrame,
  pollUntil,
  readWhileUpstreamStreams,
  runningIds,
  sseData,
  upstreamIdle,
} from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

function openStream(url: string, model: string) {
  return request(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(chatBody(model, { stream: true })),
  });
}

function contentOf(text: string): string {
  return sseData(text)
    .filter((d) => d !== "[DONE]")
    .map(
      (d) =>
        (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "",
    )
    .join("");
}

describe.concurrent("e2e: streaming", () => {
  test("the first frame reaches the client while the upstream is still streaming", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { s: run.fake("s", port!, { chunks: 4, chunkIntervalMs: 400 }) },
    });

    const res = await openStream(proxy.url, "s");
    expect(res.statusCode).toBe(200);
    // The upstream still has frames and ~1 s to go at the first one: nothing was buffered.
    const text = await readWhileUpstreamStreams(res.body, port!);
    expect(sseData(text).at(-1)).toBe("[DONE]");
    expect(contentOf(text)).toBe("chunk 1/4 from s. chunk 2/4 from s. chunk 3/4 from s. chunk 4/4 from s. ");
  });

  test("a client that leaves mid-stream frees the upstream request and the model's slot", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { s: run.fake("s", port!, { chunks: 200, chunkIntervalMs: 100 }, { concurrencyLimit: 1 }) },
    });

    const res = await openStream(proxy.url, "s");
    await leaveAfterFirstFrame(res.body);
    // The whole stream would take 20 s: the upstream idle well before proves the cut.
    await upstreamIdle(port!);
    const next = await chat(proxy, "s");
    expect(next.status, next.text).toBe(200);
    expect(answeredBy(next)).toBe("s");
  });

  test("an upstream that dies mid-stream does not yield a complete stream, and the next request restarts it", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { s: run.fake("s", port!, { chunks: 6, chunkIntervalMs: 50, crashMidStream: true }) },
    });

    let text = "";
    try {
      const res = await openStream(proxy.url, "s");
      for await (const part of res.body) text += String(part);
    } catch {
      // A cut connection is an acceptable way to signal the failure.
    }

    expect(text).not.toContain("chunk 6/6");
    expect(sseData(text).includes("[DONE]"), "a truncated stream must not end with [DONE]").toBe(false);
    await pollUntil("s to leave /running", async () =>
      (await runningIds(proxy)).includes("s") ? undefined : true,
    );
    const again = await chat(proxy, "s");
    expect(again.status, again.text).toBe(200);
    expect(answeredBy(again)).toBe("s");
    expect(run.starts.startsOf("s")).toHaveLength(2);
  });
});
