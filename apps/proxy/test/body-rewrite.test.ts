import { describe, expect, it } from "vitest";
import { createBodyRewriter } from "../src/body/body-rewriter.ts";
import { type RewriteTable, rewriteJsonText } from "../src/body/rewrite.ts";

const table: RewriteTable = {
  aliases: { "llama-fast": "llama", gone: "missing" },
  models: {
    llama: {
      useModelName: "org/llama-3-8b",
      stripParams: ["temperature", "top_p", "model"],
      setParams: { top_k: 40, model: "hijack" },
      setParamsByID: {
        "llama-fast": { reasoning: { effort: "low" } },
        llama: { reasoning: { effort: "high" } },
      },
    },
    plain: { useModelName: null, stripParams: [], setParams: {}, setParamsByID: {} },
  },
};

function rewrite(body: unknown) {
  const result = rewriteJsonText(JSON.stringify(body), table);
  if (!result.ok) throw new Error(result.message);
  return {
    ...result,
    json: result.body === null ? null : (JSON.parse(result.body) as Record<string, unknown>),
  };
}

function owned(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

describe("body rewrite", () => {
  it("body rewrite: strips listed params but never model, then sets params and useModelName", () => {
    const out = rewrite({ model: "llama", temperature: 0.1, top_p: 0.9, messages: [] });
    expect(out.model).toBe("llama");
    expect(out.json).toEqual({
      model: "org/llama-3-8b",
      messages: [],
      top_k: 40,
      reasoning: { effort: "high" },
    });
  });

  it("body rewrite: an alias resolves to its model and picks setParamsByID by the alias", () => {
    const out = rewrite({ model: "llama-fast", stream: true });
    expect(out.model).toBe("llama");
    expect(out.requested).toBe("llama-fast");
    expect(out.stream).toBe(true);
    expect(out.json?.reasoning).toEqual({ effort: "low" });
  });

  it("body rewrite: a model without filters leaves the body untouched (null = original bytes)", () => {
    const out = rewrite({ model: "plain", temperature: 1 });
    expect(out.model).toBe("plain");
    expect(out.body).toBeNull();
  });

  it("body rewrite: unknown ids and aliases of missing models resolve to null", () => {
    expect(rewrite({ model: "nope" }).model).toBeNull();
    expect(rewrite({ model: "gone" }).model).toBeNull();
  });

  it("body rewrite: malformed JSON and a missing model are distinct failures", () => {
    expect(rewriteJsonText("{not json", table)).toMatchObject({ ok: false, code: "invalid_json" });
    expect(rewriteJsonText('{"messages":[]}', table)).toMatchObject({ ok: false, code: "missing_model" });
    expect(rewriteJsonText('{"model":7}', table)).toMatchObject({ ok: false, code: "missing_model" });
    expect(rewriteJsonText("[1,2]", table)).toMatchObject({ ok: false, code: "missing_model" });
  });

  it("body rewrite: bodies over the threshold go through the worker pool with the same result", async () => {
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1 });
    try {
      const big = {
        model: "llama-fast",
        temperature: 0.5,
        messages: [{ role: "user", content: "x".repeat(4096) }],
      };
      const bytes = Buffer.from(JSON.stringify(big));
      const pooled = await rewriter.rewrite(bytes, table);
      const inline = rewriteJsonText(bytes.toString(), table);
      if (!pooled.ok || !inline.ok || pooled.body === null) throw new Error("expected a rewritten body");
      expect(Buffer.from(pooled.body).toString()).toBe(inline.body);
      expect({ ...pooled, body: null }).toEqual({ ...inline, body: null });
      expect(JSON.parse(Buffer.from(pooled.body).toString()).model).toBe("org/llama-3-8b");
    } finally {
      await rewriter.close();
    }
  });

  it("body rewrite: a pooled body moves to the worker and comes back as source", async () => {
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1 });
    try {
      const text = JSON.stringify({
        model: "plain",
        messages: [{ role: "user", content: "y".repeat(4096) }],
      });
      // A Buffer that owns its ArrayBuffer, as node:http's body chunks do.
      const bytes = owned(text);
      const unchanged = await rewriter.rewriteParts([bytes], bytes.length, table);
      expect(bytes.length, "the caller's copy was moved, not cloned").toBe(0);
      if (!unchanged.ok || unchanged.source === undefined) throw new Error("expected ok with a source");
      expect(unchanged.body).toBeNull();
      expect(Buffer.from(unchanged.source).toString()).toBe(text);

      const bad = owned(`{"messages":"${"z".repeat(2048)}"}`);
      const failed = await rewriter.rewriteParts([bad], bad.length, table);
      expect(failed).toMatchObject({ ok: false, code: "missing_model" });
      expect(Buffer.from(failed.source ?? new Uint8Array()).toString()).toContain('{"messages":"zzz');

      // Rewritten: the original is not needed any more, so it is not moved back.
      const renamed = owned(
        JSON.stringify({ model: "llama", messages: [{ role: "user", content: "w".repeat(4096) }] }),
      );
      const rewritten = await rewriter.rewriteParts([renamed], renamed.length, table);
      if (!rewritten.ok || rewritten.body === null) throw new Error("expected a rewritten body");
      expect(rewritten.source).toBeUndefined();
      expect(JSON.parse(Buffer.from(rewritten.body).toString()).model).toBe("org/llama-3-8b");
    } finally {
      await rewriter.close();
    }
  });

  it("body rewrite: chunks move to the pool uncopied and are joined there; small bodies stay inline", async () => {
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1 });
    try {
      const chunksOf = (text: string, n: number): Buffer[] => {
        const step = Math.ceil(text.length / n);
        return Array.from({ length: n }, (_, i) => owned(text.slice(i * step, (i + 1) * step)));
      };
      const renamed = JSON.stringify({
        model: "llama",
        temperature: 1,
        messages: [{ content: "v".repeat(4096) }],
      });
      const parts = chunksOf(renamed, 3);
      const rewritten = await rewriter.rewriteParts(parts, Buffer.byteLength(renamed), table);
      expect(
        parts.map((p) => p.length),
        "the chunks were moved, not cloned",
      ).toEqual([0, 0, 0]);
      if (!rewritten.ok || rewritten.body === null) throw new Error("expected a rewritten body");
      expect(rewritten.source).toBeUndefined();
      const json = JSON.parse(Buffer.from(rewritten.body).toString()) as Record<string, unknown>;
      expect(json).toMatchObject({ model: "org/llama-3-8b", top_k: 40 });
      expect(json).not.toHaveProperty("temperature");

      // Unchanged: the joined original comes back as source, byte for byte.
      const plain = JSON.stringify({ model: "plain", messages: [{ content: "p".repeat(4096) }] });
      const unchanged = await rewriter.rewriteParts(chunksOf(plain, 4), Buffer.byteLength(plain), table);
      if (!unchanged.ok || unchanged.source === undefined) throw new Error("expected ok with a source");
      expect(unchanged.body).toBeNull();
      expect(Buffer.from(unchanged.source).toString()).toBe(plain);

      // Below the threshold: answered synchronously, the joined bytes as source.
      const small = '{"model":"plain"}';
      const inline = rewriter.rewriteParts(chunksOf(small, 2), small.length, table);
      expect(inline).not.toBeInstanceOf(Promise);
      expect(inline).toMatchObject({ ok: true, model: "plain", body: null });
      expect(Buffer.from((inline as { source: Uint8Array }).source).toString()).toBe(small);
    } finally {
      await rewriter.close();
    }
  });
});
