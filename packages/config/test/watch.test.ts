// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diffConfigs, loadConfig, type ReloadResult, watchConfig } from "../src/index.ts";
import { parse } from "./helpers.ts";

const V1 = "models:\n  a:\n    cmd: s --port ${PORT}\n  b:\n    cmd: s --port ${PORT}\n";
const V2 = "models:\n  a:\n    cmd: s --port ${PORT} --fast\n  c:\n    cmd: s --port ${PORT}\n";

/** Collects reload results; `next()` resolves with the next one (no sleeping). */
function recorder() {
  const queue: ReloadResult[] = [];
  const waiters: ((r: ReloadResult) => void)[] = [];
  return {
    onChange(result: ReloadResult) {
      const waiter = waiters.shift();
      if (waiter) waiter(result);
      else queue.push(result);
    },
    next(): Promise<ReloadResult> {
      const ready = queue.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

describe("config watch", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hotswap-config-"));
    file = join(dir, "config.yaml");
    writeFileSync(file, V1);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("watch: an edit is reloaded with a diff; a bad edit is reported and the old config stays the baseline", async () => {
    const initial = (await loadConfig(file, { env: {} })).config;
    const rec = recorder();
    const close = watchConfig(file, { debounceMs: 20, env: {}, initial, onChange: rec.onChange });
    try {
      writeFileSync(file, V2);
      const first = await rec.next();
      expect(first.ok).toBe(true);
      if (!first.ok) return;
      expect(first.diff).toEqual({ added: ["c"], removed: ["b"], changed: ["a"] });
      expect(first.config.models.a!.argv).toContain("--fast");

      writeFileSync(file, "models:\n  a:\n    ttl: -9\n");
      const bad = await rec.next();
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)).toEqual([
        '3:5 models.a.cmd: missing required key "cmd"',
        "3:10 models.a.ttl: expected an integer >= -1, found -9",
      ]);

      // Replaced atomically (rename over), as editors do; the diff is against V2, not the bad edit.
      const tmp = join(dir, "config.yaml.tmp");
      writeFileSync(tmp, V2.replace("--fast", "--slow"));
      renameSync(tmp, file);
      const third = await rec.next();
      expect(third.ok && third.diff).toEqual({ added: [], removed: [], changed: ["a"] });
    } finally {
      close();
    }
  });

  it("watch: diffConfigs compares process settings only", () => {
    const a = parse("models:\n  m:\n    cmd: s ${PORT}\n    ttl: 5\n").config;
    const b = parse("models:\n  m:\n    cmd: s ${PORT}\n    ttl: 50\n    env: [X=1]\n").config;
    const c = parse("models:\n  m:\n    cmd: s ${PORT}\n    ttl: 50\n").config;
    expect(diffConfigs(a, b)).toEqual({ added: [], removed: [], changed: ["m"] });
    expect(diffConfigs(a, c)).toEqual({ added: [], removed: [], changed: [] });
    expect(diffConfigs(null, a)).toEqual({ added: ["m"], removed: [], changed: [] });
  });

  it("watch: loadConfig reports an unreadable file as a ConfigError", async () => {
    await expect(loadConfig(join(dir, "missing.yaml"))).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      problems: [expect.objectContaining({ severity: "error", line: 0, column: 0 })],
    });
  });
});
