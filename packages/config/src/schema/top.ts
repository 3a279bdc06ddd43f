/**
 * The top level of a config file. Sections with their own schema file (models, routing,
 * peers) are checked piece by piece so one bad model does not hide problems in another.
 */
import * as v from "valibot";
import { macrosSchema } from "./common.ts";
import { bool, expected, ignored, int, list, mapping, num, obj, oneOf, str } from "./messages.ts";
import { groupsSchema, matrixSchema, routingSchema } from "./routing.ts";

export const LOG_TIME_FORMATS = [
  "",
  "ansic",
  "unixdate",
  "rubydate",
  "rfc822",
  "rfc822z",
  "rfc850",
  "rfc1123",
  "rfc1123z",
  "rfc3339",
  "rfc3339nano",
  "kitchen",
  "stamp",
  "stampmilli",
  "stampmicro",
  "stampnano",
] as const;

/** hotswap's own top-level settings; llama-swap ignores unknown top-level keys. */
export const topHotswapSchema = obj({
  devices: v.optional(mapping(num(0), "a mapping of device names to capacities (MiB)")),
  scheduler: v.optional(obj({ maxBypass: v.optional(int(0)), maxWait: v.optional(num(0)) })),
  maxQueueLength: v.optional(int(0)),
  onConcurrencyLimit: v.optional(oneOf(["reject", "queue"])),
});

/** Entries of the top level, checked one by one by `checkEntries`. */
export const topEntries = {
  healthCheckTimeout: v.optional(int()),
  globalTTL: v.optional(int(0)),
  unloadTimeout: v.optional(int(0)),
  logLevel: v.optional(oneOf(["debug", "info", "warn", "error"])),
  logTimeFormat: v.optional(oneOf(LOG_TIME_FORMATS)),
  logToStdout: v.optional(oneOf(["proxy", "upstream", "both", "none"])),
  logRequests: v.optional(ignored()),
  metricsMaxInMemory: v.optional(int()),
  captureBuffer: v.optional(int(0)),
  startPort: v.optional(int(1)),
  sendLoadingState: v.optional(bool()),
  includeAliasesInList: v.optional(bool()),
  macros: v.optional(macrosSchema),
  models: mapping(v.unknown(), "a mapping of model ids to model settings"),
  groups: v.optional(groupsSchema),
  matrix: v.optional(matrixSchema),
  routing: v.optional(routingSchema),
  hooks: v.optional(
    obj({ on_startup: v.optional(obj({ preload: v.optional(list(str(), "a list of model ids")) })) }),
  ),
  apiKeys: v.optional(list(v.pipe(str(), v.minLength(1, expected("a non-empty string"))), "a list of keys")),
  peers: v.optional(mapping(v.unknown(), "a mapping of peer ids to peers")),
  upstream: v.optional(obj({ ignorePaths: v.optional(list(str(), "a list of regular expressions")) })),
  profiles: v.optional(ignored()),
  selectors: v.optional(ignored()),
  ui: v.optional(ignored()),
  performance: v.optional(ignored()),
  store: v.optional(ignored()),
  hotswap: v.optional(topHotswapSchema),
} as const;

export const topSchema = obj(topEntries, "a mapping of settings");

export type TopInput = v.InferOutput<typeof topSchema>;
