// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
/**
 * Resolves one model: macros, `${PORT}`, command splitting and llama-swap's defaults.
 * Called in sorted model id order so `${PORT}` numbers match llama-swap's.
 */
import { flattenCommand, shellSplit, stripComments } from "./command.ts";
import type { PathSegment } from "./locate.ts";
import { fillPort, type MacroIssue, MacroScope, type MacroValue, usesPort } from "./macros.ts";
import {
  reportMacroIssues,
  resolveCapabilities,
  resolveEnv,
  resolveFilters,
  resolveTimeouts,
} from "./model-parts.ts";
import type { ProblemList } from "./problems.ts";
import type { ModelInput } from "./schema/model.ts";
import type { ResolvedModel } from "./types.ts";

export const DEFAULT_PROXY = "http://localhost:${PORT}";
export const DEFAULT_CHECK_ENDPOINT = "/health";
/** llama-swap's internal default when `concurrencyLimit` is 0. */
export const DEFAULT_CONCURRENCY_LIMIT = 10;
const MAX_PORT = 65535;

export interface ModelContext {
  readonly globalMacros: Readonly<Record<string, MacroValue>>;
  readonly globalTtlMs: number;
  /** Already defaulted (never 0). */
  readonly unloadTimeoutMs: number;
  readonly sendLoadingState: boolean;
  /** Next `${PORT}` to hand out; advanced by each model that uses it. */
  readonly ports: { next: number };
  readonly problems: ProblemList;
}

/** Macro-expanded text fields that `${PORT}` may still appear in. */
interface Expanded {
  cmd: string;
  cmdStop: string | null;
  proxy: string;
  name: string;
  description: string;
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** The resolved model, or undefined when it has errors (all of them reported). */
export function resolveModel(id: string, input: ModelInput, ctx: ModelContext): ResolvedModel | undefined {
  const { problems } = ctx;
  const errorCount = () => problems.items.filter((p) => p.severity === "error").length;
  const before = errorCount();
  const base: PathSegment[] = ["models", id];
  const scope = new MacroScope(id, ctx.globalMacros, input.macros ?? {});
  const issues: MacroIssue[] = [];
  const expand = (path: PathSegment[], text: string, allowPid = false): string => {
    const out = scope.text(text, { allowPid }, issues);
    reportMacroIssues(problems, [...base, ...path], issues);
    return out;
  };

  const cmd = expand(["cmd"], stripComments(input.cmd));
  if (flattenCommand(cmd) === "") {
    problems.error([...base, "cmd"], "expected a command, found only blanks and comments");
    return undefined;
  }
  const cmdStopText = stripComments(input.cmdStop ?? "").trim();
  const metadata = scope.value(input.metadata ?? {}, { allowPid: false }, issues) as Record<string, unknown>;
  reportMacroIssues(problems, [...base, "metadata"], issues);
  const fields: Expanded = {
    cmd,
    cmdStop: cmdStopText === "" ? null : expand(["cmdStop"], cmdStopText, true),
    proxy: expand(["proxy"], input.proxy ?? DEFAULT_PROXY),
    name: expand(["name"], input.name ?? ""),
    description: expand(["description"], input.description ?? ""),
    env: resolveEnv(input.env, scope, [...base, "env"], problems),
    metadata,
  };
  const checkText = expand(["checkEndpoint"], input.checkEndpoint ?? DEFAULT_CHECK_ENDPOINT);
  const aliases = (input.aliases ?? []).map((alias, i) => expand(["aliases", i], alias));
  const filters = resolveFilters(input.filters, scope, [...base, "filters"], problems);

  const { port, x } = applyPort(fields, input.proxy !== undefined, base, ctx);
  const argv = splitOrReport(x.cmd, [...base, "cmd"], problems);
  const cmdStopArgv = x.cmdStop === null ? null : splitOrReport(x.cmdStop, [...base, "cmdStop"], problems);
  const explicitPort = proxyPort(x.proxy, port !== null, [...base, "proxy"], problems);
  if (errorCount() > before || argv === null) return undefined;
  return {
    id,
    name: x.name,
    description: x.description,
    cmd: flattenCommand(x.cmd),
    argv,
    cmdStop: x.cmdStop === null ? null : flattenCommand(x.cmdStop),
    cmdStopArgv,
    env: x.env,
    proxy: x.proxy,
    port: port ?? explicitPort,
    checkEndpoint: checkText === "none" ? null : checkText,
    aliases,
    useModelName: input.useModelName ? input.useModelName : null,
    filters,
    metadata: x.metadata,
    concurrencyLimit: input.concurrencyLimit ? input.concurrencyLimit : DEFAULT_CONCURRENCY_LIMIT,
    sendLoadingState: input.sendLoadingState ?? ctx.sendLoadingState,
    unlisted: input.unlisted ?? false,
    ttlMs: input.ttl === undefined || input.ttl === -1 ? ctx.globalTtlMs : input.ttl * 1000,
    unloadTimeoutMs: input.unloadTimeout ? input.unloadTimeout * 1000 : ctx.unloadTimeoutMs,
    timeouts: resolveTimeouts(input.timeouts),
    capabilities: resolveCapabilities(input.capabilities),
    compat: { ignoreWebsockets: input.compat?.ignoreWebsockets ?? false },
    priority: input.hotswap?.priority ?? 0,
    memory: input.hotswap?.memory ?? {},
  };
}

/**
 * `${PORT}`: assigned only when cmd uses it (llama-swap's rule) and then filled in every
 * field. A default proxy with a cmd that does not use it gets a port with a warning.
 */
function applyPort(
  x: Expanded,
  proxySet: boolean,
  base: readonly PathSegment[],
  ctx: ModelContext,
): { port: number | null; x: Expanded } {
  const { problems } = ctx;
  if (usesPort(x.cmd)) {
    const port = ctx.ports.next++;
    if (port > MAX_PORT) {
      problems.error([...base, "cmd"], `\${PORT} would be ${port}, above ${MAX_PORT}; lower startPort`);
    }
    const text = (s: string) => s.replaceAll("${PORT}", String(port));
    return {
      port,
      x: {
        cmd: text(x.cmd),
        cmdStop: x.cmdStop === null ? null : text(x.cmdStop),
        proxy: text(x.proxy),
        name: text(x.name),
        description: text(x.description),
        env: Object.fromEntries(Object.entries(x.env).map(([k, v]) => [k, text(v)])),
        metadata: fillPort(x.metadata, port) as Record<string, unknown>,
      },
    };
  }
  if (usesPort(x.proxy) && !proxySet) {
    // llama-swap rejects this; its own example files do it, so hotswap only warns.
    const port = ctx.ports.next++;
    const proxy = x.proxy.replaceAll("${PORT}", String(port));
    problems.warning(
      [...base, "cmd"],
      `cmd does not use \${PORT} and proxy is not set: requests go to ${proxy}, which the server is not told to listen on; set proxy to the server's address`,
    );
    return { port, x: { ...x, proxy } };
  }
  if (usesPort(x.proxy)) {
    problems.error(
      [...base, "proxy"],
      `proxy ${JSON.stringify(x.proxy)} uses \${PORT} but cmd does not; use \${PORT} in cmd or set proxy to the server's address`,
    );
  }
  for (const field of ["cmdStop", "name", "description", "env", "metadata"] as const) {
    if (usesPort(x[field]))
      problems.error([...base, field], "${PORT} is only assigned to models whose cmd uses it");
  }
  return { port: null, x };
}

function splitOrReport(text: string, path: readonly PathSegment[], problems: ProblemList): string[] | null {
  const split = shellSplit(text);
  if (!split.ok) {
    problems.error(path, `cannot split the command into arguments: ${split.message}`);
    return null;
  }
  if (split.argv.length === 0) {
    problems.error(path, "expected a command, found only blanks and comments");
    return null;
  }
  return split.argv;
}

/** The explicit port of `proxy`, null when none; reports invalid URLs and port-less ones. */
function proxyPort(
  proxy: string,
  hasAssignedPort: boolean,
  path: readonly PathSegment[],
  problems: ProblemList,
): number | null {
  if (usesPort(proxy)) return null;
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    problems.error(path, `expected a URL such as "http://127.0.0.1:8080", found ${JSON.stringify(proxy)}`);
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problems.error(path, `expected an http:// or https:// URL, found ${JSON.stringify(proxy)}`);
    return null;
  }
  if (url.port !== "") return Number(url.port);
  if (!hasAssignedPort) {
    problems.warning(
      path,
      `proxy ${JSON.stringify(proxy)} has neither \${PORT} nor an explicit port; the scheme's default port is used`,
    );
  }
  return null;
}
