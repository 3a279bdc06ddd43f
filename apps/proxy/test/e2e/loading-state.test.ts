/**
 * sendLoadingState end to end: while the model loads, a streaming client gets
 * reasoning_content progress frames, then the model's own chunks; every frame parses.
 */
import { once } from "node:events";
import { createServer } from "node:net";
import { describe, expect, type TestContext, test } from "vitest";
import { chatBody, http, openaiClient, sseData } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

interface Delta {
  readonly content?: string | null;
  readonly reasoning_content?: string | null;
}

function deltaOf(frame: unknown): Delta {
  const choices = (frame as { choices?: { delta?: Delta }[] }).choices;
  return choices?.[0]?.delta ?? {};
}

async function slowLoader(ctx: TestContext) {
  const run = e2eRun(ctx);
  const [port] = await freePorts(1);
  const proxy = await run.startProxy({
    sendLoadingState: true,
    models: { slow: run.fake("slow", port!, { startupDelayMs: 1500, chunks: 3 }) },
  });
  return { run, proxy };
}

describe.concurrent("e2e: loading state", () => {
  test("a stream to a loading model shows reasoning_content progress, then the model's chunks, all frames JSON", async (ctx) => {
    const { proxy } = await slowLoader(ctx);

    const res = await http("POST", `${proxy.url}/v1/chat/completions`, chatBody("slow", { stream: true }));

    expect(res.status, res.text).toBe(200);
    expect(String(res.headers["content-type"])).toContain("text/event-stream");
    const data = sseData(res.text);
    expect(data.at(-1)).toBe("[DONE]");
    const frames = data.slice(0, -1).map((d) => JSON.parse(d) as unknown);
    const kinds = frames.map((f) => {
      const delta = deltaOf(f);
      if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") return "progress";
      if (typeof delta.content === "string" && delta.content !== "") return "content";
      return "other";
    });
    const firstContent = kinds.indexOf("content");
    expect(kinds.indexOf("progress"), `frames: ${res.text}`).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf("progress")).toBeLessThan(firstContent);
    expect(kinds.slice(firstContent).includes("progress"), "no progress after the model speaks").toBe(false);
    const content = frames.map((f) => deltaOf(f).content ?? "").join("");
    expect(content).toBe("chunk 1/3 from slow. chunk 2/3 from slow. chunk 3/3 from slow. ");
  });

  test("the OpenAI SDK streams through the loading frames to the model's answer", async (ctx) => {
    const { proxy } = await slowLoader(ctx);
    const client = openaiClient(proxy);

    const stream = await client.chat.completions.create({
      model: "slow",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let reasoning = "";
    let content = "";
    for await (const chunk of stream) {
      const delta = (chunk.choices[0]?.delta ?? {}) as Delta;
      reasoning += delta.reasoning_content ?? "";
      content += delta.content ?? "";
    }

    expect(reasoning.length).toBeGreaterThan(0);
    expect(content).toBe("chunk 1/3 from slow. chunk 2/3 from slow. chunk 3/3 from slow. ");
  });

  test("a non-streaming request to a loading model gets a plain JSON answer without progress text", async (ctx) => {
    const { proxy } = await slowLoader(ctx);

    const res = await http("POST", `${proxy.url}/v1/chat/completions`, chatBody("slow"));

    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ choices: [{ message: { content: "slow answered model slow" } }] });
  });

  test("a stream waiting for a model that fails to start ends with a start_failed error frame and [DONE]", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const blocker = createServer().listen(port!, "127.0.0.1");
    await once(blocker, "listening");
    try {
      const proxy = await run.startProxy({
        sendLoadingState: true,
        models: { doomed: run.fake("doomed", port!, { logLines: 1 }) },
      });

      const res = await http(
        "POST",
        `${proxy.url}/v1/chat/completions`,
        chatBody("doomed", { stream: true }),
      );

      expect(res.status, res.text).toBe(200);
      const data = sseData(res.text);
      expect(data.at(-1)).toBe("[DONE]");
      const frames = data.slice(0, -1).map((d) => JSON.parse(d) as { error?: { code?: string } });
      expect(frames.at(-1)?.error?.code, res.text).toBe("start_failed");
    } finally {
      blocker.close();
    }
  });
});
