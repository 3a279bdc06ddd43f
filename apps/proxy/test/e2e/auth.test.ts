/**
 * apiKeys end to end: inference needs a key (Bearer or x-api-key), /health does not.
 */
import { describe, expect, type TestContext, test } from "vitest";
import { answeredBy, chat, fakeInfo, http, openaiClient } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

const KEY = "sk-e2e-secret";

async function lockedRun(ctx: TestContext) {
  const run = e2eRun(ctx);
  const [port] = await freePorts(1);
  const proxy = await run.startProxy({ apiKeys: [KEY], models: { m: run.fake("m", port!) } });
  return { run, proxy };
}

describe.concurrent("e2e: API keys", () => {
  test("a request without a key, or with a wrong one, is answered 401 and starts nothing", async (ctx) => {
    const { run, proxy } = await lockedRun(ctx);

    const none = await chat(proxy, "m");
    const wrong = await chat(proxy, "m", {}, { authorization: "Bearer sk-wrong" });

    for (const res of [none, wrong]) {
      expect(res.status, res.text).toBe(401);
      expect(res.json).toMatchObject({ error: { code: "unauthorized", type: "authentication_error" } });
    }
    await expect(
      openaiClient(proxy, "sk-wrong").chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toMatchObject({ status: 401 });
    expect(run.starts.names()).toEqual([]);
  });

  test("a Bearer key (OpenAI SDK) and an x-api-key header are both accepted", async (ctx) => {
    const { proxy } = await lockedRun(ctx);

    const viaSdk = await openaiClient(proxy, KEY).chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    const viaHeader = await chat(proxy, "m", {}, { "x-api-key": KEY });

    expect(viaSdk.choices[0]?.message.content).toBe("m answered model m");
    expect(viaHeader.status, viaHeader.text).toBe(200);
    expect(answeredBy(viaHeader)).toBe("m");
  });

  test("/health answers without a key", async (ctx) => {
    const { proxy } = await lockedRun(ctx);

    const res = await http("GET", `${proxy.url}/health`);

    expect(res.status, res.text).toBe(200);
  });

  test("the client's API key is not passed on to the upstream", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      apiKeys: [KEY],
      models: { m: run.fake("m", port!, { echo: true }) },
    });

    const viaBearer = await chat(proxy, "m", {}, { authorization: `Bearer ${KEY}` });
    const viaHeader = await chat(proxy, "m", {}, { "x-api-key": KEY });

    for (const res of [viaBearer, viaHeader]) {
      expect(res.status, res.text).toBe(200);
      expect(JSON.stringify(fakeInfo(res).echo?.headers)).not.toContain(KEY);
    }
  });

  test("an apiKeys entry written as an env macro takes the key from the proxy's environment", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const envKey = "sk-from-the-environment";
    const macro = `\${env.HOTSWAP_E2E_KEY}`;
    const proxy = await run.startProxy({ apiKeys: [macro], models: { m: run.fake("m", port!) } }, [], {
      HOTSWAP_E2E_KEY: envKey,
    });

    const withKey = await chat(proxy, "m", {}, { authorization: `Bearer ${envKey}` });
    const literal = await chat(proxy, "m", {}, { authorization: `Bearer ${macro}` });

    expect(withKey.status, withKey.text).toBe(200);
    expect(literal.status, "the macro text itself is not a key").toBe(401);
  });
});
