/**
 * What reaches the upstream: aliases resolve to their model, useModelName replaces the
 * model field, filters strip and set parameters. The fake upstream runs with --echo and
 * reports the body it received.
 */
import { describe, expect, type TestContext, test } from "vitest";
import { answeredBy, chat, fakeInfo } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

async function echoRun(ctx: TestContext) {
  const run = e2eRun(ctx);
  const [p1, p2] = await freePorts(2);
  const proxy = await run.startProxy({
    models: {
      real: run.fake(
        "real",
        p1!,
        { echo: true },
        {
          aliases: ["nick", "other-nick"],
          useModelName: "vendor/real-model",
          filters: { stripParams: "temperature, top_p", setParams: { max_tokens: 7, seed: 42 } },
        },
      ),
      variant: run.fake(
        "variant",
        p2!,
        { echo: true },
        { filters: { setParamsByID: { "variant:creative": { temperature: 1.5 } } } },
      ),
    },
    routing: {
      router: { use: "group", settings: { groups: { all: { swap: false, members: ["real", "variant"] } } } },
    },
  });
  return { run, proxy };
}

function receivedBody(res: Awaited<ReturnType<typeof chat>>): Record<string, unknown> {
  const echo = fakeInfo(res).echo;
  if (echo === undefined) throw new Error(`no echo in ${res.text}`);
  return echo.body as Record<string, unknown>;
}

describe.concurrent("e2e: request rewriting", () => {
  test("an alias reaches its model, which receives the useModelName as model", async (ctx) => {
    const { proxy } = await echoRun(ctx);

    const res = await chat(proxy, "nick");

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("real");
    expect(receivedBody(res).model).toBe("vendor/real-model");
    expect(answeredBy(await chat(proxy, "other-nick"))).toBe("real");
  });

  test("stripParams removes the listed parameters and setParams overrides others; the rest pass untouched", async (ctx) => {
    const { proxy } = await echoRun(ctx);

    const res = await chat(proxy, "real", { temperature: 0.2, top_p: 0.3, top_k: 9, max_tokens: 1000 });

    const body = receivedBody(res);
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("top_p");
    expect(body).toMatchObject({ model: "vendor/real-model", top_k: 9, max_tokens: 7, seed: 42 });
    expect(body.messages).toEqual([{ role: "user", content: "hello" }]);
  });

  test("setParamsByID applies its parameters when the model is requested by that id", async (ctx) => {
    const { proxy } = await echoRun(ctx);

    const plain = await chat(proxy, "variant", { temperature: 0.1 });
    const creative = await chat(proxy, "variant:creative", { temperature: 0.1 });

    expect(answeredBy(plain)).toBe("variant");
    expect(receivedBody(plain).temperature).toBe(0.1);
    expect(answeredBy(creative)).toBe("variant");
    expect(receivedBody(creative).temperature).toBe(1.5);
  });

  test("large bodies, rewritten off the HTTP thread into reused slabs, reach the model each with its own content", async (ctx) => {
    const { proxy } = await echoRun(ctx);
    // Above LEASE_FROM_BYTES: each goes to the rewrite pool and comes back in a slab; the
    // second round reuses the first round's slabs, so a mix-up would show as wrong content.
    const big = (i: number): string => String.fromCharCode(97 + i).repeat(3 * 1024 * 1024);

    for (const round of [0, 4]) {
      const answers = await Promise.all(
        [0, 1, 2, 3].map((i) =>
          chat(proxy, "real", {
            temperature: 0.5,
            user: `u${round + i}`,
            messages: [{ role: "user", content: big(round + i) }],
          }),
        ),
      );
      answers.forEach((res, i) => {
        expect(res.status, res.text.slice(0, 300)).toBe(200);
        const body = receivedBody(res);
        expect(body).not.toHaveProperty("temperature");
        expect(body).toMatchObject({
          model: "vendor/real-model",
          max_tokens: 7,
          seed: 42,
          user: `u${round + i}`,
        });
        expect(body.messages).toEqual([{ role: "user", content: big(round + i) }]);
      });
    }
  });
});
