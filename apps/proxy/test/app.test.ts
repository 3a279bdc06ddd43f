/**
 * The proxy in-process (startProxy) with the real run loop, core, supervisor worker and
 * fake-upstream processes, over real HTTP on 127.0.0.1. Gates are responses and events,
 * never sleeps.
 */
import { parseConfigText } from "@hotswap/config";
import type { Event } from "@hotswap/core";
import { FAKE_UPSTREAM_PATH, freePorts } from "@hotswap/testkit";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { pino } from "pino";
import { Client, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProxyHandle, startProxy } from "../src/app.ts";

let proxy: ProxyHandle;
let ports: number[];
/** Resolvers waiting for an event type the run loop applies. */
const eventWaiters: { type: string; resolve: () => void }[] = [];
function nextEvent(type: Event["type"]): Promise<void> {
  return new Promise((resolve) => eventWaiters.push({ type, resolve }));
}
function observe(event: Event): void {
  for (const waiter of eventWaiters.filter((w) => w.type === event.type)) {
    eventWaiters.splice(eventWaiters.indexOf(waiter), 1);
    waiter.resolve();
  }
}

function configText(ports: readonly number[], nameOfA = "a"): string {
  const model = (id: string, port: number, flags: string, extra: string[] = [], name = id) => [
    `  ${id}:`,
    `    cmd: ${JSON.stringify(`'${process.execPath}' '${FAKE_UPSTREAM_PATH}' --host 127.0.0.1 --port ${port} --name ${name} ${flags}`)}`,
    `    proxy: http://127.0.0.1:${port}`,
    ...extra,
  ];
  return [
    "healthCheckTimeout: 20",
    "apiKeys: []",
    "models:",
    ...model(
      "a",
      ports[0] ?? 0,
      "--startup-delay 300 --log-lines 2 --echo",
      ["    aliases: [alpha]", "    useModelName: served-a", "    sendLoadingState: true"],
      nameOfA,
    ),
    ...model("b", ports[1] ?? 0, "--startup-delay 300 --chunks 40 --chunk-interval 50", [
      "    sendLoadingState: true",
      "    concurrencyLimit: 1",
    ]),
    ...model("hidden", ports[2] ?? 0, "", ["    unlisted: true"]),
  ].join("\n");
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

async function sseMessages(path: string, body: unknown): Promise<EventSourceMessage[]> {
  const res = await request(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (m) => messages.push(m) });
  for await (const chunk of res.body) parser.feed(chunk.toString());
  return messages;
}

beforeAll(async () => {
  ports = await freePorts(3);
  const { config } = parseConfigText(configText(ports), { path: "app-test.yaml" });
  proxy = await startProxy({ config, logger: pino({ level: "silent" }), onStep: observe });
});

afterAll(async () => {
  await proxy?.close({ graceMs: 5000 });
});

describe("proxy in-process", () => {
  it("proxy: forwards a chat completion through the run loop with the body rewritten", async () => {
    const res = await post("/v1/chat/completions", {
      model: "alpha",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.text) as { fake: { name: string }; echo?: { body?: string } };
    expect(answer.fake.name).toBe("a");
    expect(res.text).toContain("served-a");
    const running = await request(`${proxy.url}/running`).then((r) => r.body.json());
    expect(running).toMatchObject({ running: [{ model: "a", state: "ready" }] });
  });

  it("proxy: a model route with a query or a dot segment is parsed as a URL and reaches the model", async () => {
    // Raw targets, sent as written: undici's `request(url)` would normalise the dot segment.
    const client = new Client(proxy.url);
    try {
      for (const path of ["/v1/chat/completions?trace=1", "/v1/./chat/completions"]) {
        const res = await client.request({
          path,
          method: "POST",
          headers: { "content-type": "application/json", "x-fake-echo": "1" },
          body: JSON.stringify({ model: "alpha", messages: [] }),
        });
        expect(res.statusCode, path).toBe(200);
        const answer = (await res.body.json()) as { fake: { name: string; echo: { path: string } } };
        expect(answer.fake.name).toBe("a");
        expect(answer.fake.echo.path, path).toBe("/v1/chat/completions");
      }
    } finally {
      await client.close();
    }
  });

  it("proxy: /v1/models lists configured models without unlisted ones", async () => {
    const list = (await request(`${proxy.url}/v1/models`).then((r) => r.body.json())) as {
      object: string;
      data: { id: string; owned_by: string }[];
    };
    expect(list.object).toBe("list");
    expect(list.data.map((m) => m.id)).toEqual(["a", "b"]);
    expect(list.data[0]?.owned_by).toBe("hotswap");
  });

  it("proxy: unknown model 404 and malformed JSON 400 with OpenAI error bodies", async () => {
    const unknown = await post("/v1/chat/completions", { model: "nope" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.code).toBe("model_not_found");
    const res = await request(`${proxy.url}/v1/chat/completions`, { method: "POST", body: '{"model":' });
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
  });

  it("proxy: a streaming request that waits for a swap gets loading frames, then the model's stream", async () => {
    const messages = await sseMessages("/v1/chat/completions", { model: "b", stream: true, messages: [] });
    const data = messages.map((m) => m.data);
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data
      .slice(0, -1)
      .map((d) => JSON.parse(d) as { choices: { delta: Record<string, string> }[] });
    const firstContent = chunks.findIndex((c) => c.choices[0]?.delta.content !== undefined);
    expect(firstContent).toBeGreaterThan(0);
    const reasoning = chunks.slice(0, firstContent).map((c) => c.choices[0]?.delta.reasoning_content ?? "");
    expect(reasoning.join("")).toContain("model b ready");
    expect(chunks.slice(firstContent).every((c) => c.choices[0]?.delta.reasoning_content === undefined)).toBe(
      true,
    );
  });

  it("proxy: a client that disconnects mid-stream frees its slot for the next request", async () => {
    const controller = new AbortController();
    const res = await request(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "b", stream: true, messages: [] }),
      signal: controller.signal,
    });
    // Gate: the model's own stream has begun (a content chunk arrived).
    for await (const chunk of res.body) {
      if (chunk.toString().includes('"content"')) break;
    }
    const cancelled = nextEvent("requestCancelled");
    controller.abort();
    await cancelled;
    // concurrencyLimit 1: this succeeds only once the aborted request's slot is free.
    const next = await post("/v1/chat/completions", { model: "b", messages: [] }, { "x-fake-chunks": "1" });
    expect(next.status).toBe(200);
  });

  it("proxy: /upstream/<model>/<path> passes the path and query through", async () => {
    const res = await request(`${proxy.url}/upstream/alpha/v1/models?x=1`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toContain('"a"');
  });

  it("proxy: a multipart transcription reaches the model its form field names", async () => {
    const boundary = "hotswap-test-boundary";
    const form =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n` +
      `Content-Type: audio/wav\r\n\r\nRIFF0000\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nalpha\r\n--${boundary}--\r\n`;
    const res = await request(`${proxy.url}/v1/audio/transcriptions`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: form,
    });
    expect(res.statusCode).toBe(200);
    // useModelName applies to the form field too.
    expect(((await res.body.json()) as { text: string }).text).toBe("a answered model served-a");
  });

  it("proxy: /logs holds the model's output and /logs/stream/<model> streams new lines", async () => {
    await proxy.close({ graceMs: 5000 }).catch(() => {});
    const { config } = parseConfigText(configText(ports), { path: "app-test.yaml" });
    proxy = await startProxy({ config, logger: pino({ level: "silent" }), onStep: observe });
    const stream = await request(`${proxy.url}/logs/stream/a?no-history`);
    expect(stream.headers["content-type"]).toContain("text/event-stream");
    const seen = (async () => {
      let text = "";
      for await (const chunk of stream.body) {
        text += chunk.toString();
        if (text.includes("a log line 2 of 2")) return text;
      }
      return text;
    })();
    expect((await post("/v1/chat/completions", { model: "a" })).status).toBe(200);
    expect(await seen).toContain("data: a log line 1 of 2\n\n");
    stream.body.destroy();
    const logs = await request(`${proxy.url}/logs`).then((r) => r.body.text());
    expect(logs).toContain("[a] a log line 2 of 2");
  });

  it("proxy: a replaced config restarts a model whose command changed", async () => {
    expect(JSON.parse((await post("/v1/chat/completions", { model: "a" })).text).fake.name).toBe("a");
    const { config } = parseConfigText(configText(ports, "a2"), { path: "app-test.yaml" });
    const stopped = nextEvent("processStopped");
    proxy.replaceConfig(config, ["a"]);
    await stopped;
    expect(JSON.parse((await post("/v1/chat/completions", { model: "a" })).text).fake.name).toBe("a2");
  });

  it("proxy: /unload stops every model and /running turns empty", async () => {
    const res = await request(`${proxy.url}/unload`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe("OK");
    expect(await request(`${proxy.url}/running`).then((r) => r.body.json())).toEqual({ running: [] });
  });
});
