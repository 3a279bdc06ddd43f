/**
 * Resolution of a parsed document (plain data after `${env.NAME}` substitution): shape
 * checks, models, cross-references, and the core's config.
 */
import type { CoreConfig } from "@hotswap/core";
import type { ProblemList } from "./problems.ts";
import { own } from "./reserved-keys.ts";
import { resolveModel } from "./resolve-model.ts";
import { type RoutingResult, resolveRouting } from "./resolve-routing.ts";
import {
  buildAliases,
  checkMacroNames,
  checkMemory,
  DEFAULTS,
  healthCheckTimeoutMs,
  resolvePeers,
  resolvePreload,
} from "./resolve-top.ts";
import { checkEntries, checkValue } from "./schema/check.ts";
import { modelSchema } from "./schema/model.ts";
import { type TopInput, topEntries } from "./schema/top.ts";
import type { ResolvedConfig, ResolvedModel } from "./types.ts";
import { reportUnknownKeys } from "./unknown-keys.ts";

type Top = Partial<TopInput>;

/** Reports every problem into `problems`; returns the config only when there is no error. */
export function resolveDocument(
  file: string,
  data: Record<string, unknown>,
  raw: unknown,
  problems: ProblemList,
): ResolvedConfig | undefined {
  reportUnknownKeys(data, problems);
  const top: Top = checkEntries(topEntries, data, [], problems);
  const resolved = resolveModels(top, problems);
  const { aliases, models } = buildAliases(resolved, problems);
  const rawModels = top.models ?? {};
  const routing = resolveRouting(
    {
      groups: top.groups,
      matrix: top.matrix,
      routing: top.routing,
      hotswapScheduler: top.hotswap?.scheduler,
      modelIds: new Set(Object.keys(rawModels)),
      aliases,
    },
    problems,
  );
  const preload = resolvePreload(top.hooks?.on_startup?.preload ?? [], rawModels, aliases, problems);
  checkMemory(models, top.hotswap?.devices ?? {}, problems);
  const withPriority = applyPriorities(models, rawModels, routing, problems);
  const healthCheck = healthCheckTimeoutMs(top, problems);
  const peers = resolvePeers((top.peers ?? {}) as Record<string, unknown>, problems);
  if (problems.hasErrors()) return undefined;
  return {
    path: file,
    healthCheckTimeoutMs: healthCheck,
    globalTtlMs: (top.globalTTL ?? DEFAULTS.globalTTL) * 1000,
    unloadTimeoutMs: (top.unloadTimeout || DEFAULTS.unloadTimeout) * 1000,
    logLevel: top.logLevel ?? DEFAULTS.logLevel,
    logTimeFormat: top.logTimeFormat ?? DEFAULTS.logTimeFormat,
    logToStdout: top.logToStdout ?? DEFAULTS.logToStdout,
    metricsMaxInMemory: top.metricsMaxInMemory ?? DEFAULTS.metricsMaxInMemory,
    captureBuffer: top.captureBuffer ?? DEFAULTS.captureBuffer,
    startPort: top.startPort ?? DEFAULTS.startPort,
    sendLoadingState: top.sendLoadingState ?? DEFAULTS.sendLoadingState,
    includeAliasesInList: top.includeAliasesInList ?? DEFAULTS.includeAliasesInList,
    apiKeys: top.apiKeys ?? [],
    preload,
    ignorePaths: top.upstream?.ignorePaths ?? [...DEFAULTS.ignorePaths],
    models: withPriority,
    aliases,
    peers,
    core: buildCore(top, withPriority, routing),
    raw,
  };
}

/** Each model checked and resolved on its own, in sorted id order (`${PORT}` order). */
function resolveModels(top: Top, problems: ProblemList): Record<string, ResolvedModel> {
  const globalMacros = top.macros ?? {};
  checkMacroNames(globalMacros, ["macros"], problems);
  const ctx = {
    globalMacros,
    globalTtlMs: (top.globalTTL ?? DEFAULTS.globalTTL) * 1000,
    unloadTimeoutMs: (top.unloadTimeout || DEFAULTS.unloadTimeout) * 1000,
    sendLoadingState: top.sendLoadingState ?? DEFAULTS.sendLoadingState,
    ports: { next: top.startPort ?? DEFAULTS.startPort },
    problems,
  };
  const resolved: Record<string, ResolvedModel> = {};
  const rawModels = top.models ?? {};
  const ids = Object.keys(rawModels).sort();
  for (const id of ids) {
    const input = checkValue(modelSchema, rawModels[id], ["models", id], problems);
    if (!input) continue;
    checkMacroNames(input.macros ?? {}, ["models", id, "macros"], problems);
    const model = resolveModel(id, input, ctx);
    if (model) resolved[id] = model;
  }
  if (ids.length === 0 && top.models) problems.warning(["models"], "no models are defined", "key");
  return resolved;
}

/** `hotswap.priority` on a model wins over `routing.scheduler.settings.fifo.priority` (warned). */
function applyPriorities(
  models: Record<string, ResolvedModel>,
  rawModels: Readonly<Record<string, unknown>>,
  routing: RoutingResult,
  problems: ProblemList,
): Record<string, ResolvedModel> {
  const ownPriority = (id: string) =>
    (rawModels[id] as { hotswap?: { priority?: unknown } } | undefined)?.hotswap?.priority !== undefined;
  const out: Record<string, ResolvedModel> = {};
  for (const [id, model] of Object.entries(models)) {
    const fromRouting = own(routing.priorities, id);
    if (fromRouting === undefined) {
      out[id] = model;
    } else if (ownPriority(id)) {
      if (fromRouting !== model.priority) {
        problems.warning(
          ["models", id, "hotswap", "priority"],
          `overrides routing.scheduler.settings.fifo.priority (${fromRouting}) with ${model.priority}`,
        );
      }
      out[id] = model;
    } else {
      out[id] = { ...model, priority: fromRouting };
    }
  }
  return out;
}

function buildCore(top: Top, models: Record<string, ResolvedModel>, routing: RoutingResult): CoreConfig {
  return {
    models: Object.values(models).map((m) => ({
      id: m.id,
      concurrencyLimit: m.concurrencyLimit,
      // Effective value: the global TTL is already applied, so 0 must mean "never" here.
      ttlMs: m.ttlMs,
      priority: m.priority,
      unloadTimeoutMs: m.unloadTimeoutMs,
      memory: m.memory,
    })),
    planner: routing.planner,
    devices: top.hotswap?.devices ?? {},
    scheduler: routing.scheduler,
    globalTtlMs: 0,
    maxQueueLength: top.hotswap?.maxQueueLength ?? 0,
    onConcurrencyLimit: top.hotswap?.onConcurrencyLimit ?? "reject",
  };
}
