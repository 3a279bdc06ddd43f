/**
 * Top-level pieces: global settings with llama-swap's defaults, macro names, aliases,
 * preload, peers and hotswap's device budgets.
 */
import type { PathSegment } from "./locate.ts";
import { resolveTimeouts } from "./model-parts.ts";
import type { ProblemList } from "./problems.ts";
import { own } from "./reserved-keys.ts";
import { checkValue } from "./schema/check.ts";
import { MACRO_NAME, RESERVED_MACROS } from "./schema/common.ts";
import { peerSchema } from "./schema/peer.ts";
import type { TopInput } from "./schema/top.ts";
import type { ResolvedModel, ResolvedPeer } from "./types.ts";

/** llama-swap's defaults (seconds where llama-swap uses seconds). */
export const DEFAULTS = {
  healthCheckTimeout: 120,
  /** Values below are raised to this, as llama-swap does. */
  healthCheckTimeoutMin: 15,
  globalTTL: 0,
  unloadTimeout: 10,
  logLevel: "info",
  logTimeFormat: "",
  logToStdout: "proxy",
  metricsMaxInMemory: 1000,
  captureBuffer: 5,
  startPort: 5800,
  sendLoadingState: false,
  includeAliasesInList: false,
  ignorePaths: [".*\\.(js|json|css|png|gif|jpg|jpeg|ico|txt)$"],
} as const;

/** Checks macro names (pattern, length, reserved names) of one macros mapping. */
export function checkMacroNames(
  macros: Record<string, unknown>,
  path: readonly PathSegment[],
  problems: ProblemList,
) {
  for (const name of Object.keys(macros)) {
    const at = [...path, name];
    if ((RESERVED_MACROS as readonly string[]).includes(name)) {
      problems.error(at, `macro name ${name} is reserved (PID, PORT and MODEL_ID are set by hotswap)`, "key");
    } else if (!MACRO_NAME.test(name) || name.length > 64) {
      problems.error(
        at,
        `expected a macro name of 1-64 letters, digits, '_' or '-', found ${JSON.stringify(name)}`,
        "key",
      );
    }
  }
}

export function healthCheckTimeoutMs(top: Partial<TopInput>, problems: ProblemList): number {
  const value = top.healthCheckTimeout ?? DEFAULTS.healthCheckTimeout;
  if (value < DEFAULTS.healthCheckTimeoutMin) {
    problems.warning(
      ["healthCheckTimeout"],
      `healthCheckTimeout ${value} is below the minimum of ${DEFAULTS.healthCheckTimeoutMin} seconds; ${DEFAULTS.healthCheckTimeoutMin} is used`,
    );
    return DEFAULTS.healthCheckTimeoutMin * 1000;
  }
  return value * 1000;
}

/**
 * alias -> model id from `aliases` and `filters.setParamsByID` keys (llama-swap registers
 * those as aliases too). Returns the models with their setParamsByID aliases appended.
 */
export function buildAliases(
  models: Record<string, ResolvedModel>,
  problems: ProblemList,
): { aliases: Record<string, string>; models: Record<string, ResolvedModel> } {
  const aliases: Record<string, string> = {};
  const out: Record<string, ResolvedModel> = {};
  const claim = (alias: string, id: string, at: readonly PathSegment[]): boolean => {
    if (Object.hasOwn(models, alias)) {
      problems.error(at, `alias ${JSON.stringify(alias)} of model ${JSON.stringify(id)} is also a model id`);
      return false;
    }
    const owner = own(aliases, alias);
    if (owner !== undefined) {
      const where =
        owner === id ? "twice in the same model" : `already used by model ${JSON.stringify(owner)}`;
      problems.error(at, `duplicate alias ${JSON.stringify(alias)}: ${where}`);
      return false;
    }
    aliases[alias] = id;
    return true;
  };
  for (const [id, model] of Object.entries(models)) {
    const list = [...model.aliases];
    model.aliases.forEach((alias, i) => {
      claim(alias, id, ["models", id, "aliases", i]);
    });
    for (const key of Object.keys(model.filters.setParamsByID)) {
      if (key === id || list.includes(key)) continue;
      if (claim(key, id, ["models", id, "filters", "setParamsByID"])) list.push(key);
    }
    out[id] = { ...model, aliases: list };
  }
  return { aliases, models: out };
}

/** Model ids to load at startup: trimmed, aliases resolved, unknown ids warned and dropped. */
export function resolvePreload(
  preload: readonly string[],
  models: Readonly<Record<string, unknown>>,
  aliases: Readonly<Record<string, string>>,
  problems: ProblemList,
): string[] {
  const out: string[] = [];
  preload.forEach((entry, i) => {
    const id = entry.trim();
    if (id === "") return;
    const real = Object.hasOwn(models, id) ? id : own(aliases, id);
    if (real === undefined) {
      problems.warning(
        ["hooks", "on_startup", "preload", i],
        `unknown model ${JSON.stringify(id)} in preload: not a model id or alias; ignored`,
      );
      return;
    }
    if (!out.includes(real)) out.push(real);
  });
  return out;
}

export function resolvePeers(
  raw: Record<string, unknown>,
  problems: ProblemList,
): Record<string, ResolvedPeer> {
  const out: Record<string, ResolvedPeer> = {};
  for (const [id, value] of Object.entries(raw)) {
    const peer = checkValue(peerSchema, value, ["peers", id], problems);
    if (!peer) continue;
    out[id] = {
      id,
      proxy: peer.proxy,
      apiKey: peer.apiKey ?? "",
      models: peer.models,
      filters: {
        stripParams: (peer.filters?.stripParams ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "" && s !== "model"),
        setParams: peer.filters?.setParams ?? {},
      },
      timeouts: resolveTimeouts(peer.timeouts),
    };
  }
  return out;
}

/** Checks each model's `hotswap.memory` against `hotswap.devices`. */
export function checkMemory(
  models: Readonly<Record<string, ResolvedModel>>,
  devices: Readonly<Record<string, number>>,
  problems: ProblemList,
): void {
  for (const model of Object.values(models)) {
    for (const [device, need] of Object.entries(model.memory)) {
      const at = ["models", model.id, "hotswap", "memory", device];
      const capacity = own(devices, device);
      if (capacity === undefined) {
        const known = Object.keys(devices);
        const list =
          known.length === 0 ? "none are configured in hotswap.devices" : `known: ${known.join(", ")}`;
        problems.error(at, `unknown device ${JSON.stringify(device)} (${list})`, "key");
      } else if (need > capacity) {
        problems.error(
          at,
          `model needs ${need} on ${device} but the device has ${capacity}; it could never load`,
        );
      }
    }
  }
}
