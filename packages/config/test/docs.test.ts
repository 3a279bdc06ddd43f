import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfigText, UNSUPPORTED_KEYS } from "../src/index.ts";
import { modelSchema } from "../src/schema/model.ts";
import { topEntries, topHotswapSchema } from "../src/schema/top.ts";

const doc = readFileSync(new URL("../../../docs/configuration.md", import.meta.url), "utf8");
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Keys of a (possibly piped) object schema. */
function keysOf(schema: unknown): string[] {
  const s = schema as { entries?: object; pipe?: { entries?: object }[] };
  const entries = s.entries ?? s.pipe?.find((p) => p.entries)?.entries ?? {};
  return Object.keys(entries);
}

describe("docs/configuration.md", () => {
  it("docs: every top-level, model and hotswap key and every unsupported key is documented", () => {
    const keys = [
      ...Object.keys(topEntries),
      ...keysOf(modelSchema),
      ...keysOf(topHotswapSchema).map((k) => `hotswap.${k}`),
      ...Object.keys(UNSUPPORTED_KEYS).map((k) => k.replace("models.*.", "")),
    ];
    const missing = keys.filter((k) => !doc.includes(`\`${k}`));
    expect(missing).toEqual([]);
  });

  it("docs: the minimal and the full example are valid", () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(3);
    const minimal = parseConfigText(yamlBlocks[0]!, { path: "minimal.yaml", env: {} });
    expect(minimal.warnings).toEqual([]);
    expect(minimal.config.models.qwen!.proxy).toBe("http://localhost:5800");
    const full = parseConfigText(yamlBlocks.at(-1)!, { path: "full.yaml", env: { HOTSWAP_KEY: "k" } });
    expect(full.warnings).toEqual([]);
    expect(full.config.core.onConcurrencyLimit).toBe("queue");
    expect(full.config.aliases).toEqual({ coder: "qwen-coder", "qwen-coder:creative": "qwen-coder" });
  });
});
