import { readFileSync } from "node:fs";
import { ConfigError, formatProblem, type ParseResult, parseConfigText } from "../src/index.ts";

export const FIXTURES = new URL("./fixtures/", import.meta.url);
export const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");

/** Environment the example config needs. */
export const EXAMPLE_ENV = {
  HOME: "/home/u",
  API_KEY_1: "k1",
  API_KEY_2: "k2",
  OPENROUTER_API_KEY: "or-key",
};

export function parse(text: string, env: Record<string, string> = {}): ParseResult {
  return parseConfigText(text, { path: "c.yaml", env });
}

/** Every problem of a text that must fail, formatted. */
export function failures(text: string, env: Record<string, string> = {}): string[] {
  try {
    parse(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

/** Formatted warnings of a text that must pass. */
export function warnings(text: string, env: Record<string, string> = {}): string[] {
  return parse(text, env).warnings.map(formatProblem);
}

/** A one-model document; `extra` lines are appended at the model level (4 spaces). */
export function oneModel(extra = "", top = ""): string {
  const lines = extra === "" ? "" : `${extra.replace(/^/gm, "    ")}\n`;
  return `${top}models:\n  m:\n    cmd: srv --port \${PORT}\n${lines}`;
}
