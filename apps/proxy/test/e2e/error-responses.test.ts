/**
 * Client errors come back OpenAI-style: `{"error":{"message","type","code"}}`.
 */
import { describe, expect, test } from "vitest";
import { chat, http, openaiClient } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

describe.concurrent("e2e: error responses", () => {
  test("a body that is not JSON is answered 400 invalid_json and starts nothing", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { m: run.fake("m", port!) } });

    const res = await http("POST", `${proxy.url}/v1/chat/completions`, '{"model": "m", "messages": [', {
      "content-type": "application/json",
    });

    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({ error: { code: "invalid_json", type: "invalid_request_error" } });
    expect(typeof (res.json as { error: { message: unknown } }).error.message).toBe("string");
    expect(run.starts.names()).toEqual([]);
  });

  test("an unknown model is answered 404 model_not_found, through raw HTTP and the OpenAI SDK", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { m: run.fake("m", port!) } });

    const res = await chat(proxy, "no-such-model");

    expect(res.status, res.text).toBe(404);
    expect(res.json).toMatchObject({ error: { code: "model_not_found", type: "invalid_request_error" } });
    expect((res.json as { error: { message: string } }).error.message).toContain("no-such-model");
    await expect(
      openaiClient(proxy).chat.completions.create({
        model: "nope",
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toMatchObject({ status: 404, code: "model_not_found" });
    expect(run.starts.names()).toEqual([]);
  });
});
