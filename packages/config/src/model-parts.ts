/**
 * Smaller per-model resolutions: env, filters, timeouts, capabilities.
 */
import type { PathSegment } from "./locate.ts";
import type { MacroIssue, MacroScope } from "./macros.ts";
import type { ProblemList } from "./problems.ts";
import type { ModelInput } from "./schema/model.ts";
import type { ResolvedCapabilities, ResolvedFilters, ResolvedTimeouts } from "./types.ts";

/** Parameters a filter may never strip or set: the proxy owns them. */
export const PROTECTED_PARAMS = ["model"] as const;

/** llama-swap's defaults, in seconds. */
export const DEFAULT_TIMEOUTS_S = {
  connect: 30,
  keepalive: 30,
  responseHeader: 0,
  tlsHandshake: 10,
  expectContinue: 1,
  idleConn: 90,
} as const;

type Timeouts = { [K in keyof typeof DEFAULT_TIMEOUTS_S]?: number | undefined };

export function resolveTimeouts(input: Timeouts | undefined): ResolvedTimeouts {
  const pick = (key: keyof typeof DEFAULT_TIMEOUTS_S): number => input?.[key] ?? DEFAULT_TIMEOUTS_S[key];
  const t = {
    connect: pick("connect"),
    keepalive: pick("keepalive"),
    responseHeader: pick("responseHeader"),
    tlsHandshake: pick("tlsHandshake"),
    expectContinue: pick("expectContinue"),
    idleConn: pick("idleConn"),
  };
  return {
    connectMs: t.connect * 1000,
    keepaliveMs: t.keepalive * 1000,
    responseHeaderMs: t.responseHeader * 1000,
    tlsHandshakeMs: t.tlsHandshake * 1000,
    expectContinueMs: t.expectContinue * 1000,
    idleConnMs: t.idleConn * 1000,
  };
}

/** Reports macro issues found while expanding the value at `path`. */
export function reportMacroIssues(
  problems: ProblemList,
  path: readonly PathSegment[],
  issues: MacroIssue[],
): void {
  for (const issue of issues) problems.errorInside(path, issue.offset, issue.message);
  issues.length = 0;
}

/** "NAME=value" list or mapping -> record; values macro-expanded. Later duplicates win (warned). */
export function resolveEnv(
  input: ModelInput["env"],
  scope: MacroScope,
  path: readonly PathSegment[],
  problems: ProblemList,
): Record<string, string> {
  const env: Record<string, string> = {};
  const issues: MacroIssue[] = [];
  const set = (name: string, value: string, at: readonly PathSegment[]) => {
    if (Object.hasOwn(env, name))
      problems.warning(at, `environment variable ${name} is set twice; the last value wins`);
    env[name] = scope.text(value, { allowPid: false }, issues);
    reportMacroIssues(problems, at, issues);
  };
  if (Array.isArray(input)) {
    input.forEach((entry, i) => {
      const eq = entry.indexOf("=");
      set(entry.slice(0, eq), entry.slice(eq + 1), [...path, i]);
    });
  } else if (input) {
    for (const [name, value] of Object.entries(input)) set(name, String(value), [...path, name]);
  }
  return env;
}

export function resolveFilters(
  input: ModelInput["filters"],
  scope: MacroScope,
  path: readonly PathSegment[],
  problems: ProblemList,
): ResolvedFilters {
  const issues: MacroIssue[] = [];
  const stripText = scope.text(input?.stripParams ?? "", { allowPid: false }, issues);
  reportMacroIssues(problems, [...path, "stripParams"], issues);
  const stripParams: string[] = [];
  for (const name of stripText.split(",").map((s) => s.trim())) {
    if (name === "" || stripParams.includes(name)) continue;
    if ((PROTECTED_PARAMS as readonly string[]).includes(name)) {
      problems.warning([...path, "stripParams"], `"${name}" can never be stripped; ignored`);
      continue;
    }
    stripParams.push(name);
  }
  const setParams = withoutProtected(input?.setParams ?? {}, [...path, "setParams"], problems);
  const setParamsByID: Record<string, Record<string, unknown>> = {};
  for (const [rawKey, params] of Object.entries(input?.setParamsByID ?? {})) {
    const at = [...path, "setParamsByID", rawKey];
    const key = scope.text(rawKey, { allowPid: false }, issues);
    reportMacroIssues(problems, at, issues);
    const expanded = scope.value(params, { allowPid: false }, issues) as Record<string, unknown>;
    reportMacroIssues(problems, at, issues);
    setParamsByID[key] = withoutProtected(expanded, at, problems);
  }
  return { stripParams, setParams, setParamsByID };
}

function withoutProtected(
  params: Record<string, unknown>,
  path: readonly PathSegment[],
  problems: ProblemList,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if ((PROTECTED_PARAMS as readonly string[]).includes(key)) {
      problems.warning([...path, key], `"${key}" can never be overridden; ignored`, "key");
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** null when absent or all zero (llama-swap treats that as not configured). */
export function resolveCapabilities(input: ModelInput["capabilities"]): ResolvedCapabilities | null {
  if (!input) return null;
  const caps: ResolvedCapabilities = {
    in: [...new Set(input.in ?? [])],
    out: [...new Set(input.out ?? [])],
    tools: input.tools ?? false,
    reranker: input.reranker ?? false,
    context: input.context ?? 0,
  };
  const empty =
    caps.in.length === 0 && caps.out.length === 0 && !caps.tools && !caps.reranker && caps.context === 0;
  return empty ? null : caps;
}
