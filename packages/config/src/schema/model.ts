/**
 * One entry of `models`: llama-swap's per-model keys plus the `hotswap` namespace.
 */
import * as v from "valibot";
import { filtersSchema, macrosSchema, timeoutsSchema } from "./common.ts";
import { anyMapping, bool, expected, int, list, mapping, num, obj, oneOf, str } from "./messages.ts";

const ENV_ENTRY = /^[A-Z_][A-Z0-9_]*=/;

/** llama-swap's list of "NAME=value"; a mapping is accepted too. */
export const envSchema = v.union(
  [
    list(v.pipe(str(), v.regex(ENV_ENTRY, expected('"NAME=value" with NAME in A-Z, 0-9 and _')))),
    mapping(v.union([v.string(), v.number(), v.boolean()])),
  ],
  expected('a list of "NAME=value" strings (NAME in upper case) or a mapping of names to values'),
);

const modality = oneOf(["text", "audio", "image"]);

export const capabilitiesSchema = obj({
  in: v.optional(list(modality)),
  out: v.optional(list(modality)),
  tools: v.optional(bool()),
  reranker: v.optional(bool()),
  context: v.optional(int(0)),
});

/** hotswap's own per-model settings; llama-swap ignores unknown keys, so this is safe. */
export const modelHotswapSchema = obj({
  memory: v.optional(mapping(num(0), "a mapping of device names to amounts (MiB)")),
  priority: v.optional(int()),
});

export const modelSchema = obj(
  {
    macros: v.optional(macrosSchema),
    cmd: v.pipe(str("a non-empty command string"), v.minLength(1, expected("a non-empty command string"))),
    cmdStop: v.optional(str()),
    name: v.optional(v.pipe(str(), v.maxLength(128, expected("a string of at most 128 characters")))),
    description: v.optional(
      v.pipe(str(), v.maxLength(1024, expected("a string of at most 1024 characters"))),
    ),
    env: v.optional(envSchema),
    proxy: v.optional(str("a URL")),
    aliases: v.optional(
      list(v.pipe(str("a non-empty string"), v.minLength(1, expected("a non-empty string")))),
    ),
    checkEndpoint: v.optional(
      v.pipe(str(), v.regex(/^\/.*$|^none$/, expected('a path starting with "/" or "none"'))),
    ),
    ttl: v.optional(int(-1)),
    unloadTimeout: v.optional(int(0)),
    useModelName: v.optional(str()),
    filters: v.optional(filtersSchema),
    metadata: v.optional(anyMapping()),
    concurrencyLimit: v.optional(int(0)),
    sendLoadingState: v.optional(bool()),
    unlisted: v.optional(bool()),
    timeouts: v.optional(timeoutsSchema),
    compat: v.optional(obj({ ignoreWebsockets: v.optional(bool()) })),
    capabilities: v.optional(capabilitiesSchema),
    hotswap: v.optional(modelHotswapSchema),
  },
  "a mapping of model settings",
);

export type ModelInput = v.InferOutput<typeof modelSchema>;
