/**
 * `parseConfigText`: YAML text -> validated, resolved configuration, or a `ConfigError`
 * listing every problem. Order of work:
 * 1. YAML syntax (stops here on errors: positions after a syntax error are unreliable);
 * 2. `${env.NAME}` substitution on the document;
 * 3. shape checks per section (valibot), unknown and unsupported keys;
 * 4. per-model resolution in sorted id order (macros, `${PORT}`, commands);
 * 5. cross-references: aliases, routing, preload, devices.
 */
import { LineCounter, parseDocument } from "yaml";
import { substituteEnv } from "./env-macros.ts";
import { ConfigError } from "./errors.ts";
import { describeValue } from "./format.ts";
import { Locator } from "./locate.ts";
import { ProblemList } from "./problems.ts";
import { rejectReservedKeys } from "./reserved-keys.ts";
import { resolveDocument } from "./resolve-document.ts";
import type { Problem, ResolvedConfig } from "./types.ts";

export interface ParseOptions {
  /** Shown in problems; also `ResolvedConfig.path`. Default "config.yaml". */
  readonly path?: string;
  /** Source of `${env.NAME}`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ParseResult {
  readonly config: ResolvedConfig;
  readonly warnings: readonly Problem[];
}

/** Throws only `ConfigError` (code CONFIG_INVALID), whatever the input. */
export function parseConfigText(text: string, options: ParseOptions = {}): ParseResult {
  const file = options.path ?? "config.yaml";
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    merge: true,
    uniqueKeys: true,
    // Problems are reported as data; the library must not print to the process.
    logLevel: "error",
  });
  const problems = new ProblemList(file, new Locator(doc, lines));
  for (const error of doc.errors) {
    const pos = lines.linePos(error.pos[0]);
    problems.at("error", [], `YAML syntax error: ${firstLine(error.message)}`, {
      line: pos.line,
      column: pos.col,
    });
  }
  for (const warning of doc.warnings) {
    const pos = lines.linePos(warning.pos[0]);
    problems.at("warning", [], `YAML: ${firstLine(warning.message)}`, { line: pos.line, column: pos.col });
  }
  if (problems.hasErrors()) throw new ConfigError(problems.sorted());

  rejectReservedKeys(doc, problems);
  if (problems.hasErrors()) throw new ConfigError(problems.sorted());
  const raw = toPlain(doc, problems);
  substituteEnv(doc, options.env ?? process.env, problems);
  const data = toPlain(doc, problems);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    problems.error([], `expected a mapping of settings at the top level, found ${describeValue(data)}`);
    throw new ConfigError(problems.sorted());
  }
  const config = resolveDocument(file, data as Record<string, unknown>, raw, problems);
  if (problems.hasErrors() || !config) throw new ConfigError(problems.sorted());
  return { config, warnings: problems.sorted() };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function toPlain(doc: ReturnType<typeof parseDocument>, problems: ProblemList): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    problems.error([], `cannot read the document: ${error instanceof Error ? error.message : String(error)}`);
    throw new ConfigError(problems.sorted());
  }
}
