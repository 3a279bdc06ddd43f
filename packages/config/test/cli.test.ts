// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runValidate } from "../src/index.ts";
import { EXAMPLE_ENV } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "hotswap-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function validate(text: string, argv?: string[]) {
  const file = join(dir, "c.yaml");
  writeFileSync(file, text);
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidate(argv ?? [file], {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    env: {},
  });
  return { code, out: out.map((l) => l.replaceAll(file, "F")), err };
}

describe("config validate command", () => {
  it("validate: a valid file prints its warnings and exits 0", async () => {
    const r = await validate("foo: 1\nmodels:\n  m:\n    cmd: s ${PORT}\n");
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'F:1:1: warning: foo: unknown key "foo": not a llama-swap or hotswap setting; ignored',
      "F: valid, 1 model, 1 warning",
    ]);
  });

  it("validate: an invalid file prints every problem and exits 1", async () => {
    const r = await validate("models:\n  m:\n    cmd: s ${PORT} ${nope}\n  n:\n    cmd: s\n    ttl: -3\n");
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      "F:3:20: error: models.m.cmd: unknown macro ${nope}",
      "F:6:10: error: models.n.ttl: expected an integer >= -1, found -3",
      "F: invalid, 2 errors, 0 warnings",
    ]);
  });

  it("validate: wrong usage exits 2", async () => {
    const r = await validate("", []);
    expect(r.code).toBe(2);
    expect(r.err).toEqual(["usage: validate FILE"]);
  });

  it("validate: the llama-swap example validates through the CLI path with its env", async () => {
    const { fixture } = await import("./helpers.ts");
    const file = join(dir, "example.yaml");
    writeFileSync(file, fixture("config.example.yaml"));
    const out: string[] = [];
    const code = await runValidate([file], {
      stdout: (l) => out.push(l),
      stderr: () => {},
      env: EXAMPLE_ENV,
    });
    expect(code).toBe(0);
    expect(out.at(-1)).toBe(`${file}: valid, 3 models, 24 warnings`);
  });
});
