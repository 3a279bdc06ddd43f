import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createBodyRewriter, type ForwardBody, type PartsAnswer } from "../src/body/body-rewriter.ts";
import { LEASE_FROM_BYTES, LeasedBody } from "../src/body/leased-body.ts";
import { type RewriteTable, rewriteJsonText } from "../src/body/rewrite.ts";
import { SlabPool } from "../src/body/slab-pool.ts";
import { REWRITE_THREAD_NICE } from "../src/body/thread-priority.ts";

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

/** The text a rewrite answer would forward (a leased body is given back unsent). */
function forwarded(body: ForwardBody): string {
  if (Buffer.isBuffer(body)) return body.toString();
  const text = body.bytes.toString();
  body.releaseUnsent();
  return text;
}

/** `text`'s UTF-8 bytes in `n` owned chunks, as a socket would deliver them (split anywhere). */
function chunksOf(text: string, n: number): Buffer[] {
  const bytes = Buffer.from(text);
  const step = Math.ceil(bytes.length / n);
  return Array.from({ length: n }, (_, i) => {
    const chunk = Buffer.allocUnsafeSlow(Math.max(0, Math.min(step, bytes.length - i * step)));
    bytes.copy(chunk, 0, i * step);
    return chunk;
  });
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

  it("body rewrite: a pooled body moves to the worker; the answer forwards the rewrite or the original", async () => {
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
      expect(unchanged).toMatchObject({ ok: true, model: "plain" });
      expect(forwarded(unchanged.forward)).toBe(text);

      const bad = owned(`{"messages":"${"z".repeat(2048)}"}`);
      const failed = await rewriter.rewriteParts([bad], bad.length, table);
      expect(failed).toMatchObject({ ok: false, code: "missing_model" });
      expect(forwarded(failed.forward)).toContain('{"messages":"zzz');

      const renamed = owned(
        JSON.stringify({ model: "llama", messages: [{ role: "user", content: "w".repeat(4096) }] }),
      );
      const rewritten = await rewriter.rewriteParts([renamed], renamed.length, table);
      expect(rewritten).toMatchObject({ ok: true, model: "llama", requested: "llama" });
      expect(JSON.parse(forwarded(rewritten.forward)).model).toBe("org/llama-3-8b");
    } finally {
      await rewriter.close();
    }
  });

  it("body rewrite: chunks move to the pool uncopied and are joined there; small bodies stay inline", async () => {
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1 });
    try {
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
      const json = JSON.parse(forwarded(rewritten.forward)) as Record<string, unknown>;
      expect(json).toMatchObject({ model: "org/llama-3-8b", top_k: 40 });
      expect(json).not.toHaveProperty("temperature");

      // Unchanged: the joined original is forwarded, byte for byte.
      const plain = JSON.stringify({ model: "plain", messages: [{ content: "p".repeat(4096) }] });
      const unchanged = await rewriter.rewriteParts(chunksOf(plain, 4), Buffer.byteLength(plain), table);
      expect(unchanged).toMatchObject({ ok: true, model: "plain" });
      expect(forwarded(unchanged.forward)).toBe(plain);

      // Below the threshold: answered synchronously, the joined bytes forwarded.
      const small = '{"model":"plain"}';
      const inline = rewriter.rewriteParts(chunksOf(small, 2), small.length, table);
      expect(inline).not.toBeInstanceOf(Promise);
      expect(inline).toMatchObject({ ok: true, model: "plain" });
      expect(forwarded((inline as PartsAnswer).forward)).toBe(small);
    } finally {
      await rewriter.close();
    }
  });

  it("body rewrite: from LEASE_FROM_BYTES on the worker writes into a slab, which goes back once sent or released unsent", async () => {
    const slabs = new SlabPool();
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1, slabs });
    try {
      const big = (model: string, fill: string): string =>
        JSON.stringify({ model, temperature: 1, messages: [{ content: fill.repeat(LEASE_FROM_BYTES) }] });
      const text = big("llama", "a");
      const first = await rewriter.rewriteParts(chunksOf(text, 5), Buffer.byteLength(text), table);
      if (!(first.forward instanceof LeasedBody)) throw new Error("expected a leased body");
      const slab = first.forward.bytes.buffer;
      expect(slab).toBeInstanceOf(SharedArrayBuffer);
      const json = JSON.parse(first.forward.bytes.toString()) as Record<string, unknown>;
      expect(json).toMatchObject({ model: "org/llama-3-8b", top_k: 40 });
      expect(json).not.toHaveProperty("temperature");
      expect(slabs.idleBytes, "leased, not idle").toBe(0);
      // Sending it (undici iterates the chunks) gives the slab back when the iteration ends.
      const sent: Buffer[] = [];
      for await (const chunk of first.forward.chunks()) sent.push(chunk);
      expect(Buffer.concat(sent).equals(first.forward.bytes)).toBe(true);
      expect(slabs.idleBytes).toBe(slab.byteLength);

      // The next large body reuses that slab; unchanged, it holds the original bytes.
      const plain = big("plain", "b");
      const second = await rewriter.rewriteParts(chunksOf(plain, 2), Buffer.byteLength(plain), table);
      if (!(second.forward instanceof LeasedBody)) throw new Error("expected a leased body");
      expect(second.forward.bytes.buffer).toBe(slab);
      expect(second.forward.bytes.toString()).toBe(plain);
      second.forward.releaseUnsent();
      expect(slabs.idleBytes).toBe(slab.byteLength);

      // Not ASCII: the spans are re-encoded rather than copied by offset; same result.
      const accented = big("llama", "é🙂");
      const third = await rewriter.rewriteParts(chunksOf(accented, 3), Buffer.byteLength(accented), table);
      if (!(third.forward instanceof LeasedBody)) throw new Error("expected a leased body");
      const parsed = JSON.parse(third.forward.bytes.toString()) as { messages: { content: string }[] };
      expect(parsed).toMatchObject({ model: "org/llama-3-8b", top_k: 40 });
      expect(parsed.messages[0]?.content).toBe("é🙂".repeat(LEASE_FROM_BYTES));
      third.forward.releaseUnsent();
      // Once released, iterating sends nothing: the slab may be another body's by now.
      const late: Buffer[] = [];
      for await (const chunk of second.forward.chunks()) late.push(chunk);
      expect(late).toEqual([]);
    } finally {
      await rewriter.close();
    }
  });

  it("body rewrite: onLease is called for each body rewritten into a slab, and only for those", async () => {
    let leases = 0;
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1, onLease: () => leases++ });
    try {
      const pooled = JSON.stringify({ model: "plain", prompt: "p".repeat(4096) });
      const small = await rewriter.rewriteParts(chunksOf(pooled, 2), Buffer.byteLength(pooled), table);
      expect(small.forward).not.toBeInstanceOf(LeasedBody);
      expect(leases).toBe(0);
      const big = JSON.stringify({ model: "plain", prompt: "q".repeat(LEASE_FROM_BYTES) });
      const answer = await rewriter.rewriteParts(chunksOf(big, 3), Buffer.byteLength(big), table);
      if (!(answer.forward instanceof LeasedBody)) throw new Error("expected a leased body");
      answer.forward.releaseUnsent();
      expect(leases).toBe(1);
    } finally {
      await rewriter.close();
    }
  });

  it("body rewrite: a rewrite that outgrows its slab comes back as bytes of its own and the slab is returned", async () => {
    // Slabs have room for the body plus 1/64 (64 KiB at least), in 1 MiB steps: 1.5 MB more does not fit.
    const slabs = new SlabPool();
    const growing: RewriteTable = {
      aliases: {},
      models: {
        grow: {
          useModelName: null,
          stripParams: [],
          setParams: { extra: "e".repeat(1_500_000) },
          setParamsByID: {},
        },
      },
    };
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1, slabs });
    try {
      const text = JSON.stringify({ model: "grow", prompt: "q".repeat(LEASE_FROM_BYTES) });
      const answer = await rewriter.rewriteParts(chunksOf(text, 3), Buffer.byteLength(text), growing);
      expect(Buffer.isBuffer(answer.forward)).toBe(true);
      expect(JSON.parse(forwarded(answer.forward)).extra).toHaveLength(1_500_000);
      expect(slabs.idleBytes).toBeGreaterThan(LEASE_FROM_BYTES);
    } finally {
      await rewriter.close();
    }
  });

  it("body rewrite: the pool's threads run at a lower priority than the caller's thread (Linux)", async () => {
    const rewriter = createBodyRewriter({ thresholdBytes: 1024, maxThreads: 1 });
    try {
      const text = JSON.stringify({ model: "plain", prompt: "n".repeat(4096) });
      await rewriter.rewriteParts([owned(text)], Buffer.byteLength(text), table);
      const niceOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      const here = niceOf(readFileSync("/proc/thread-self/stat", "utf8"));
      const threads = readdirSync("/proc/self/task").map((tid) =>
        niceOf(readFileSync(`/proc/self/task/${tid}/stat`, "utf8")),
      );
      expect(threads).toContain(Math.min(here + REWRITE_THREAD_NICE, 19));
      expect(here, "the calling thread keeps its priority").toBe(threads[0]);
    } finally {
      await rewriter.close();
    }
  });
});
