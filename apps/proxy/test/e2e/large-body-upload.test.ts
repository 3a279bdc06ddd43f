/**
 * Large bodies (from 1 MiB, see body/leased-body.ts) go upstream from the upload thread
 * (http/upload-thread.ts): their answers must still stream frame by frame, a client that
 * leaves must still free the upstream request and the model's slot, and an upstream error
 * must still reach the client as itself.
 */
import { request } from "undici";
import { describe, expect, test } from "vitest";
import {
  answeredBy,
  chat,
  chatBody,
  leaveAfterFirstFrame,
  readWhileUpstreamStreams,
  sseData,
  upstreamIdle,
} from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

/** A prompt of 2 MiB: above the pool threshold and the lease size. */
const BIG = "x".repeat(2 * 1024 * 1024);

function openLargeStream(url: string, model: string, headers: Record<string, string> = {}) {
  return request(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(chatBody(model, { stream: true, messages: [{ role: "user", content: BIG }] })),
  });
}

describe.concurrent("e2e: large bodies from the upload thread", () => {
  test("a large body's streamed answer reaches the client frame by frame, whole", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { s: run.fake("s", port!, { chunks: 4, chunkIntervalMs: 300 }) },
    });

    const res = await openLargeStream(proxy.url, "s");
    expect(res.statusCode).toBe(200);
    // The upstream still has frames and ~1 s to go at the first one: nothing was buffered.
    const text = await readWhileUpstreamStreams(res.body, port!);
    const frames = sseData(text);
    expect(frames.at(-1)).toBe("[DONE]");
    expect(frames).toHaveLength(5);
  });

  test("a client that leaves a large body's stream frees the upstream request and the model's slot", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      models: { s: run.fake("s", port!, { chunks: 200, chunkIntervalMs: 100 }, { concurrencyLimit: 1 }) },
    });

    const res = await openLargeStream(proxy.url, "s");
    await leaveAfterFirstFrame(res.body);
    // The whole stream would take 20 s: the upstream idle well before proves the cut.
    await upstreamIdle(port!);
    const next = await chat(proxy, "s", { messages: [{ role: "user", content: BIG }] });
    expect(next.status, next.text.slice(0, 300)).toBe(200);
    expect(answeredBy(next)).toBe("s");
  });

  test("an upstream error status for a large body reaches the client with its body", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { s: run.fake("s", port!, {}) } });

    const res = await chat(
      proxy,
      "s",
      { messages: [{ role: "user", content: BIG }] },
      { "x-fake-status": "422" },
    );

    expect(res.status).toBe(422);
    expect(res.text.length).toBeGreaterThan(0);
    expect(res.text).not.toContain("x".repeat(100));
  });
});
