import { afterEach, describe, expect, it } from "vitest";
import { type FakeUpstream, parseFakeUpstreamArgs, startFakeUpstream } from "../src/index.ts";
import { postJson, sseData } from "./helpers.ts";

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

async function inProcess(name = "r"): Promise<FakeUpstream> {
  const up = await startFakeUpstream({ name });
  open.push(up);
  return up;
}

describe("fake upstream routes (in process)", () => {
  it("routes: models, completions, embeddings and rerank answer in their formats", async () => {
    const up = await inProcess("r");
    const models = (await (await fetch(`${up.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data[0]?.id).toBe("r");
    const cmpl = (await (await postJson(`${up.url}/v1/completions`, { model: "m", prompt: "p" })).json()) as {
      choices: Array<{ text: string }>;
    };
    expect(cmpl.choices[0]?.text).toBe("r answered model m");
    const emb = (await (
      await postJson(`${up.url}/v1/embeddings`, { model: "e", input: ["a", "b"] })
    ).json()) as {
      data: unknown[];
    };
    expect(emb.data).toHaveLength(2);
    for (const path of ["/v1/rerank", "/rerank"]) {
      const rr = (await (
        await postJson(`${up.url}${path}`, { model: "k", documents: ["a", "b", "c"] })
      ).json()) as {
        results: unknown[];
      };
      expect(rr.results).toHaveLength(3);
    }
  });

  it("routes: /v1/messages, /v1/responses, /completion and /infill answer and stream", async () => {
    const up = await inProcess("a");
    const msg = (await (await postJson(`${up.url}/v1/messages`, { model: "claude" })).json()) as {
      content: Array<{ text: string }>;
    };
    expect(msg.content[0]?.text).toBe("a answered model claude");
    const streamed = await sseData(await postJson(`${up.url}/v1/messages`, { model: "c", stream: true }));
    expect(streamed.filter((d) => d.includes("content_block_delta"))).toHaveLength(3);
    const resp = (await (await postJson(`${up.url}/v1/responses`, { model: "r" })).json()) as {
      object: string;
    };
    expect(resp.object).toBe("response");
    for (const path of ["/completion", "/infill"]) {
      const chunks = await sseData(await postJson(`${up.url}${path}`, { stream: true }));
      expect(chunks).toHaveLength(3);
      expect(JSON.parse(chunks[2] ?? "{}")).toMatchObject({ stop: true });
    }
  });

  it("routes: audio and images answer; multipart transcriptions read the model field", async () => {
    const up = await inProcess("au");
    const speech = await postJson(`${up.url}/v1/audio/speech`, { model: "tts", input: "hi" });
    expect(speech.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await speech.arrayBuffer()).toString()).toContain("model tts");
    const form = new FormData();
    form.set("model", "whisper-x");
    form.set("file", new Blob([new Uint8Array([1, 2, 3])]), "a.wav");
    const tr = (await (
      await fetch(`${up.url}/v1/audio/transcriptions`, { method: "POST", body: form })
    ).json()) as {
      text: string;
    };
    expect(tr.text).toBe("au answered model whisper-x");
    const img = (await (await postJson(`${up.url}/v1/images/generations`, { model: "sd" })).json()) as {
      data: unknown[];
    };
    expect(img.data).toHaveLength(1);
  });

  it("routes: x-fake-status answers that status; invalid JSON is a 400", async () => {
    const up = await inProcess();
    expect(
      (await postJson(`${up.url}/v1/chat/completions`, { model: "m" }, { "x-fake-status": "429" })).status,
    ).toBe(429);
    const bad = await fetch(`${up.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(bad.status).toBe(400);
  });

  it("options: flags parse, bad values are usage errors", () => {
    expect(parseFakeUpstreamArgs(["--port", "0", "--ignore-sigterm", "--chunks", "7"])).toMatchObject({
      port: 0,
      ignoreSigterm: "in-flight",
      chunks: 7,
    });
    expect(parseFakeUpstreamArgs(["--ignore-sigterm=always"]).ignoreSigterm).toBe("always");
    expect(() => parseFakeUpstreamArgs(["--chunks", "-1"])).toThrow(/--chunks/);
    expect(() => parseFakeUpstreamArgs(["--bogus"])).toThrow();
  });
});
