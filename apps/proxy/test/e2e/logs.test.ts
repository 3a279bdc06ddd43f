/**
 * Model output reaches the operator: `/logs`, `/logs/stream/<model>`, and the proxy's own
 * stdout with `logToStdout: upstream`.
 */
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { answeredBy, chat, http } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

describe.concurrent("e2e: logs", () => {
  test("GET /logs holds a model's stdout and stderr lines", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { talky: run.fake("talky", port!, { logLines: 3 }) } });
    expect(answeredBy(await chat(proxy, "talky"))).toBe("talky");

    const res = await http("GET", `${proxy.url}/logs`);

    expect(res.status).toBe(200);
    for (const n of [1, 2, 3]) expect(res.text).toContain(`talky log line ${n} of 3`);
  });

  test("/logs/stream/<model> streams the lines a model prints after the client connected", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({ models: { talky: run.fake("talky", port!, { logLines: 2 }) } });
    const stream = await request(`${proxy.url}/logs/stream/talky?no-history`);
    expect(stream.statusCode).toBe(200);
    expect(String(stream.headers["content-type"])).toContain("text/event-stream");

    const served = chat(proxy, "talky");
    let text = "";
    for await (const part of stream.body) {
      text += String(part);
      if (text.includes("talky log line 2 of 2")) break;
    }

    expect(text).toContain("data: talky log line 1 of 2");
    expect(answeredBy(await served)).toBe("talky");
  });

  test("logToStdout upstream copies a model's output to the proxy's stdout, and only that", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const proxy = await run.startProxy({
      logToStdout: "upstream",
      models: { talky: run.fake("talky", port!, { logLines: 2 }) },
    });

    expect(answeredBy(await chat(proxy, "talky"))).toBe("talky");

    await proxy.waitForLine(/talky log line 1 of 2/);
    await proxy.waitForLine(/talky log line 2 of 2/);
    const proxyLogLines = proxy.lines.filter((line) => line.startsWith("{"));
    expect(proxyLogLines, "the proxy's own logs stay off stdout with upstream").toEqual([]);
  });
});
