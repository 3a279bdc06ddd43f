import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeUpstreamStartError, spawnFakeUpstream } from "../src/index.ts";
import { fake, postJson, sseData, until } from "./helpers.ts";

describe("fake upstream CLI", () => {
  it("fake upstream: /health is 503 while loading, every route 503 too, then 200", async () => {
    const up = await fake(["--startup-delay", "400", "--name", "slow"]);
    const health = await fetch(`${up.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ error: { message: "Loading model", code: 503 } });
    const chat = await postJson(`${up.url}/v1/chat/completions`, { model: "m" });
    expect(chat.status).toBe(503);
    await chat.body?.cancel();
    await until(async () => (await fetch(`${up.url}/health`)).status === 200);
    const ok = await postJson(`${up.url}/v1/chat/completions`, { model: "m" });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as {
      choices: Array<{ message: { content: string } }>;
      fake: { name: string };
    };
    expect(body.choices[0]?.message.content).toBe("slow answered model m");
    expect(body.fake.name).toBe("slow");
  });

  it("fake upstream: --never-healthy never turns healthy", async () => {
    const up = await fake(["--never-healthy"]);
    expect((await fetch(`${up.url}/health`)).status).toBe(503);
    expect((await fetch(`${up.url}/v1/models`)).status).toBe(503);
  });

  it("fake upstream: a stream has --chunks data chunks then [DONE]; x-fake-chunks overrides", async () => {
    const up = await fake(["--chunks", "5", "--name", "s"]);
    const data = await sseData(await postJson(`${up.url}/v1/chat/completions`, { model: "m", stream: true }));
    expect(data).toHaveLength(6);
    expect(data[5]).toBe("[DONE]");
    const chunks = data
      .slice(0, 5)
      .map((d) => JSON.parse(d) as { choices: Array<{ delta: { content: string } }> });
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(
      [1, 2, 3, 4, 5].map((i) => `chunk ${i}/5 from s. `),
    );
    const two = await sseData(
      await postJson(`${up.url}/v1/chat/completions`, { model: "m", stream: true }, { "x-fake-chunks": "2" }),
    );
    expect(two).toHaveLength(3);
  });

  it("fake upstream: --echo returns the received body and headers; unknown paths always echo", async () => {
    const up = await fake(["--echo"]);
    const res = await postJson(
      `${up.url}/v1/chat/completions`,
      { model: "m", extra: 1 },
      { "x-test": "yes" },
    );
    const body = (await res.json()) as {
      fake: { echo: { body: unknown; headers: Record<string, string>; path: string } };
    };
    expect(body.fake.echo.body).toEqual({ model: "m", extra: 1 });
    expect(body.fake.echo.headers["x-test"]).toBe("yes");
    const plain = await fake([]);
    const other = (await (
      await fetch(`${plain.url}/some/where?q=1`, { method: "PUT", body: "hi" })
    ).json()) as {
      path: string;
      method: string;
      fake: { echo: { body: string } };
    };
    expect(other).toMatchObject({ path: "/some/where", method: "PUT", fake: { echo: { body: "hi" } } });
  });

  it("fake upstream: --crash-after 2 answers two requests and exits 1 on the third", async () => {
    const up = await fake(["--crash-after", "2"]);
    expect((await postJson(`${up.url}/v1/chat/completions`, { model: "m" })).status).toBe(200);
    expect((await fetch(`${up.url}/health`)).status).toBe(200);
    expect((await postJson(`${up.url}/v1/embeddings`, { model: "m", input: "x" })).status).toBe(200);
    await expect(postJson(`${up.url}/v1/chat/completions`, { model: "m" })).rejects.toThrow();
    expect(await up.exited).toEqual({ code: 1, signal: null });
    expect(up.lines.some((l) => l.includes("crash after 2 requests"))).toBe(true);
  });

  it("fake upstream: --crash-mid-stream exits 1 after half the chunks, without [DONE]", async () => {
    const up = await fake(["--crash-mid-stream", "--chunks", "4"]);
    const res = await postJson(`${up.url}/v1/chat/completions`, { model: "m", stream: true });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("chunk 1/4");
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toThrow();
    expect((await up.exited).code).toBe(1);
  });

  it("fake upstream: --ignore-sigterm ignores SIGTERM during a non-streaming request only", async () => {
    const up = await fake(["--ignore-sigterm"]);
    const pending = postJson(
      `${up.url}/v1/chat/completions`,
      { model: "m" },
      { "x-fake-response-delay": "1500" },
    );
    await until(
      async () =>
        ((await (await fetch(`${up.url}/fake/stats`)).json()) as { inFlight: number }).inFlight === 1,
    );
    up.child.kill("SIGTERM");
    await up.waitForLine(/ignoring SIGTERM \(1 request/);
    expect((await pending).status).toBe(200);
    expect((await fetch(`${up.url}/health`)).status).toBe(200);
    up.child.kill("SIGTERM");
    expect(await up.exited).toEqual({ code: 0, signal: null });
  });

  it("fake upstream: --ignore-sigterm=always ignores SIGTERM when idle; without it SIGTERM kills", async () => {
    const stubborn = await fake(["--ignore-sigterm=always"]);
    stubborn.child.kill("SIGTERM");
    await stubborn.waitForLine(/ignoring SIGTERM \(0 request/);
    expect((await fetch(`${stubborn.url}/health`)).status).toBe(200);
    const plain = await fake([]);
    plain.child.kill("SIGTERM");
    expect((await plain.exited).signal).toBe("SIGTERM");
  });

  it("fake upstream: --fork-grandchild leaves a grandchild alive when only the parent is killed", async () => {
    const up = await fake(["--fork-grandchild"]);
    const line = await up.waitForLine(/^grandchild \d+$/);
    const grandchild = Number(line.split(" ")[1]);
    const stat = () => readFileSync(`/proc/${grandchild}/stat`, "utf8");
    try {
      const ppid = (): number => Number(stat().split(") ")[1]?.split(" ")[1]);
      expect(ppid()).toBe(up.pid);
      up.child.kill("SIGKILL");
      await up.exited;
      const state = stat().split(") ")[1]?.[0];
      expect(state).not.toBe("Z");
    } finally {
      process.kill(grandchild, "SIGKILL");
    }
  });

  it("fake upstream: a second one on the same port exits 1 saying EADDRINUSE", async () => {
    const first = await fake([]);
    const second = spawnFakeUpstream(["--port", String(first.port)]);
    const err = await second.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FakeUpstreamStartError);
    expect((err as FakeUpstreamStartError).lines.join("\n")).toMatch(/EADDRINUSE/);
    expect(err).toHaveProperty("message", expect.stringContaining("(1)"));
  });

  it("fake upstream: --exclusive-lock refuses a second holder while the first runs", async () => {
    const lock = join(mkdtempSync(join(tmpdir(), "fake-lock-")), "lock");
    const first = await fake(["--exclusive-lock", lock]);
    expect(readFileSync(lock, "utf8")).toBe(String(first.pid));
    const err = await spawnFakeUpstream(["--exclusive-lock", lock]).then(
      () => null,
      (e: unknown) => e as FakeUpstreamStartError,
    );
    expect(err?.lines.join("\n")).toContain(`held by pid ${first.pid}`);
  });

  it("fake upstream: --log-lines prints lines on stdout and stderr", async () => {
    const up = await fake(["--log-lines", "4", "--name", "L"]);
    await up.waitForLine(/L log line 4 of 4/);
    expect(up.lines.filter((l) => l.startsWith("L log line"))).toHaveLength(4);
  });

  it("fake upstream: /fake/stats counts requests and the max in flight", async () => {
    const up = await fake([]);
    await Promise.all(
      [1, 2, 3].map(() =>
        postJson(`${up.url}/v1/chat/completions`, { model: "x" }, { "x-fake-response-delay": "100" }),
      ),
    );
    const stats = (await (await fetch(`${up.url}/fake/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({
      received: 3,
      inFlight: 0,
      lastModel: "x",
      byPath: { "/v1/chat/completions": 3 },
    });
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(2);
  });
});
