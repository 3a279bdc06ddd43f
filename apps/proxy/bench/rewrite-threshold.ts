/**
 * Measures where body rewriting should leave the event loop: for chat bodies of growing
 * size, the time one inline rewrite blocks the main thread versus a rewrite through the
 * piscina pool (wall time and main-thread busy time, from event-loop utilisation).
 * Prints one JSON line per size, then a table.
 *   pnpm exec node apps/proxy/bench/rewrite-threshold.ts
 */
import { performance } from "node:perf_hooks";
import { createBodyRewriter } from "../src/body/body-rewriter.ts";
import type { RewriteTable } from "../src/body/rewrite.ts";

const table: RewriteTable = {
  aliases: {},
  models: {
    m: { useModelName: "x", stripParams: ["temperature"], setParams: { top_k: 1 }, setParamsByID: {} },
  },
};

function chatBody(bytes: number): Buffer {
  const message = "lorem ipsum dolor sit amet ".repeat(35);
  const messages = Array.from({ length: Math.max(1, Math.floor(bytes / 1000)) }, (_, i) => ({
    role: i % 2 ? "assistant" : "user",
    content: message,
  }));
  return Buffer.from(JSON.stringify({ model: "m", temperature: 1, messages }));
}

const inline = createBodyRewriter({ thresholdBytes: Number.POSITIVE_INFINITY });
const pooled = createBodyRewriter({ thresholdBytes: 0, maxThreads: 2 });
await pooled.rewrite(chatBody(1000), table);

const rows: Record<string, number>[] = [];
for (const kib of [16, 64, 128, 256, 512, 1024, 4096]) {
  const body = chatBody(kib * 1024);
  const reps = Math.max(5, Math.floor(4000 / kib));
  let start = performance.now();
  for (let i = 0; i < reps; i++) await inline.rewrite(body, table);
  const inlineMs = (performance.now() - start) / reps;
  start = performance.now();
  const elu = performance.eventLoopUtilization();
  for (let i = 0; i < reps; i++) await pooled.rewrite(body, table);
  const pooledWallMs = (performance.now() - start) / reps;
  const pooledMainMs = performance.eventLoopUtilization(elu).active / reps;
  const row = {
    kib: Math.round(body.length / 1024),
    inlineMs: +inlineMs.toFixed(3),
    pooledWallMs: +pooledWallMs.toFixed(3),
    pooledMainMs: +pooledMainMs.toFixed(3),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.table(rows);
await Promise.all([inline.close(), pooled.close()]);
