export { diffConfigs, processSettings } from "./diff.ts";
export { ConfigError, HotswapConfigError } from "./errors.ts";
export { formatProblem } from "./format.ts";
export type { LoadOptions, ReloadResult, WatchOptions } from "./load.ts";
export { loadConfig, watchConfig } from "./load.ts";
export type { ParseOptions, ParseResult } from "./parse.ts";
export { parseConfigText } from "./parse.ts";
export { DEFAULT_CHECK_ENDPOINT, DEFAULT_CONCURRENCY_LIMIT, DEFAULT_PROXY } from "./resolve-model.ts";
export { DEFAULTS } from "./resolve-top.ts";
export type { ValidateIo } from "./run-validate.ts";
export { runValidate } from "./run-validate.ts";
export type {
  ConfigDiff,
  LogLevel,
  LogToStdout,
  Modality,
  Problem,
  ResolvedCapabilities,
  ResolvedConfig,
  ResolvedFilters,
  ResolvedModel,
  ResolvedPeer,
  ResolvedTimeouts,
} from "./types.ts";
export { UNSUPPORTED_KEYS } from "./unsupported.ts";
