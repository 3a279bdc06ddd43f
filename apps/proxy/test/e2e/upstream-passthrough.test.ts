/**
 * /upstream/<model>/<path>: loads the model if needed and forwards the rest of the path
 * (and query) to it unchanged.
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chatBody, fakeInfo, http } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

describe.concurrent("e2e: /upstream passthrough", () => {
  test("GET /upstream/<model>/<path> starts the model and reaches <path> with its query", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { raw: run.fake("raw", port!, { startupDelayMs: 100 }) } });

    const res = await http("GET", `${proxy.url}/upstream/raw/some/deep/path?x=1`);

    expect(res.status, res.text).toBe(200);
    expect(answeredBy(res)).toBe("raw");
    expect(res.json).toMatchObject({ path: "/some/deep/path", method: "GET" });
    expect(run.starts.names()).toEqual(["raw"]);
  });

  test("POST /upstream/<model>/v1/chat/completions forwards the body unchanged", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { raw: run.fake("raw", port!, { echo: true }) } });

    const res = await http("POST", `${proxy.url}/upstream/raw/v1/chat/completions`, chatBody("anything"));

    expect(res.status, res.text).toBe(200);
    const echo = fakeInfo(res).echo;
    expect(echo?.path).toBe("/v1/chat/completions");
    expect(echo?.body).toEqual(chatBody("anything"));
  });
});
