/**
 * The model is found wherever the request names it, and bodies of every kind reach the
 * upstream intact: Anthropic messages, multipart forms, embeddings, large JSON.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chatBody, fakeInfo, http, sseData } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

async function twoModels(ctx: Parameters<typeof e2eRun>[0]) {
  const run = e2eRun(ctx);
  const [p1, p2] = await freePorts(2);
  const proxy = await run.startProxy({
    models: { one: run.fake("one", p1!, { echo: true }), two: run.fake("two", p2!, { echo: true }) },
    routing: {
      router: { use: "group", settings: { groups: { g: { swap: false, members: ["one", "two"] } } } },
    },
  });
  return { run, proxy };
}

describe.concurrent("e2e: endpoints", () => {
  test("/v1/messages (Anthropic) is routed by its model, plain and streaming", async (ctx) => {
    const { proxy } = await twoModels(ctx);
    const body = { model: "two", max_tokens: 5, messages: [{ role: "user", content: "hi" }] };

    const plain = await http("POST", `${proxy.url}/v1/messages`, body);
    const streamed = await http("POST", `${proxy.url}/v1/messages`, { ...body, stream: true });

    expect(plain.status, plain.text).toBe(200);
    expect(answeredBy(plain)).toBe("two");
    expect(plain.json).toMatchObject({ type: "message", content: [{ text: "two answered model two" }] });
    expect(streamed.status, streamed.text).toBe(200);
    expect(streamed.text).toContain("event: message_stop");
    expect(sseData(streamed.text).every((d) => typeof JSON.parse(d) === "object")).toBe(true);
  });

  test("a multipart transcription request is routed by its model form field", async (ctx) => {
    const { proxy } = await twoModels(ctx);
    const boundary = "e2e-boundary-1234";
    const form = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="a.wav"',
      "Content-Type: audio/wav",
      "",
      "RIFF....WAVEfmt fake audio bytes",
      `--${boundary}`,
      'Content-Disposition: form-data; name="model"',
      "",
      "one",
      `--${boundary}--`,
      "",
    ].join("\r\n");

    const res = await http("POST", `${proxy.url}/v1/audio/transcriptions`, form, {
      "content-type": `multipart/form-data; boundary=${boundary}`,
    });

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("one");
    expect(res.json).toMatchObject({ text: "one answered model one" });
    expect(fakeInfo(res).echo?.body).toBe(form);
  });

  test("/v1/embeddings reaches the model with its input list", async (ctx) => {
    const { proxy } = await twoModels(ctx);

    const res = await http("POST", `${proxy.url}/v1/embeddings`, { model: "one", input: ["a", "b", "c"] });

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("one");
    expect((res.json as { data: unknown[] }).data).toHaveLength(3);
  });

  test("a 2 MB JSON body reaches the upstream byte for byte in content", async (ctx) => {
    const { proxy } = await twoModels(ctx);
    const big = "0123456789abcdef".repeat(128 * 1024);
    const body = chatBody("two", { messages: [{ role: "user", content: big }] });

    const res = await http("POST", `${proxy.url}/v1/chat/completions`, body);

    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(answeredBy(res)).toBe("two");
    expect(fakeInfo(res).echo?.body).toEqual(body);
  });
});
