/**
 * The resolved configuration: what `parseConfigText` / `loadConfig` return once a YAML file
 * has been validated, macro-expanded and defaulted. Every duration is in milliseconds.
 * Stable contract for the proxy app: fields are only ever added, never renamed.
 */
import type { CoreConfig } from "@hotswap/core";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogToStdout = "proxy" | "upstream" | "both" | "none";
export type Modality = "text" | "audio" | "image";

/** One problem found in a config file. `line`/`column` are 1-based; 0 when unknown. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted key path, e.g. "models.llama.ttl"; "" for the whole document. */
  readonly path: string;
  /** What was expected and what was found. */
  readonly message: string;
  readonly severity: "error" | "warning";
}

/** llama-swap's per-model (and per-peer) proxy connection timeouts, in ms; 0 = disabled. */
export interface ResolvedTimeouts {
  readonly connectMs: number;
  readonly keepaliveMs: number;
  readonly responseHeaderMs: number;
  readonly tlsHandshakeMs: number;
  readonly expectContinueMs: number;
  readonly idleConnMs: number;
}

export interface ResolvedFilters {
  /** Parameter names to delete from request bodies (never contains "model"). */
  readonly stripParams: readonly string[];
  /** Parameters to set/override in request bodies. */
  readonly setParams: Readonly<Record<string, unknown>>;
  /** Requested id (model id or alias, `${MODEL_ID}` expanded) -> parameters, applied after setParams. */
  readonly setParamsByID: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** What `/v1/models` may advertise; null on the model when not configured (or all zero). */
export interface ResolvedCapabilities {
  readonly in: readonly Modality[];
  readonly out: readonly Modality[];
  readonly tools: boolean;
  readonly reranker: boolean;
  readonly context: number;
}

export interface ResolvedModel {
  readonly id: string;
  /** Display name; "" when unset. */
  readonly name: string;
  /** "" when unset. */
  readonly description: string;
  /** Macro-expanded command with comment lines removed and line continuations joined. */
  readonly cmd: string;
  /** `cmd` split like a POSIX shell (quotes, backslash escapes; no expansion). Non-empty. */
  readonly argv: readonly string[];
  /** Macro-expanded stop command with `${PID}` left in place for the app; null when unset. */
  readonly cmdStop: string | null;
  /** `cmdStop` split like `argv` (still containing `${PID}`); null when unset. */
  readonly cmdStopArgv: readonly string[] | null;
  /** Extra environment variables for the process (on top of the proxy's own environment). */
  readonly env: Readonly<Record<string, string>>;
  /** Upstream base URL, `${PORT}` expanded. */
  readonly proxy: string;
  /** The port the server listens on as far as the config knows: the assigned `${PORT}`, else the explicit port in `proxy`; null when neither. */
  readonly port: number | null;
  /** Health check path; null when "none". Default "/health". */
  readonly checkEndpoint: string | null;
  readonly aliases: readonly string[];
  /** Model name to send upstream instead of the requested one; null when unset. */
  readonly useModelName: string | null;
  readonly filters: ResolvedFilters;
  /** Passed through to `/v1/models` with macros expanded inside nested values. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Most parallel requests; llama-swap's 0 resolves to 10. */
  readonly concurrencyLimit: number;
  /** Per-model override already merged with the global setting. */
  readonly sendLoadingState: boolean;
  readonly unlisted: boolean;
  /** Effective idle unload delay (global applied when the model says -1); 0 = never. */
  readonly ttlMs: number;
  /** Effective grace period before force-kill (model, else global, else 10 s). */
  readonly unloadTimeoutMs: number;
  readonly timeouts: ResolvedTimeouts;
  readonly capabilities: ResolvedCapabilities | null;
  readonly compat: { readonly ignoreWebsockets: boolean };
  /** hotswap addition (`hotswap.priority`); also in `routing.scheduler.settings.fifo.priority`. */
  readonly priority: number;
  /** hotswap addition (`hotswap.memory`): need per device, e.g. `{ gpu0: 8000 }`. */
  readonly memory: Readonly<Record<string, number>>;
}

export interface ResolvedPeer {
  readonly id: string;
  readonly proxy: string;
  /** "" when none. */
  readonly apiKey: string;
  readonly models: readonly string[];
  readonly filters: {
    readonly stripParams: readonly string[];
    readonly setParams: Readonly<Record<string, unknown>>;
  };
  readonly timeouts: ResolvedTimeouts;
}

export interface ResolvedConfig {
  /** The file this came from (as given to the loader). */
  readonly path: string;
  readonly healthCheckTimeoutMs: number;
  readonly globalTtlMs: number;
  readonly unloadTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** llama-swap's Go time format name; "" = no timestamps. */
  readonly logTimeFormat: string;
  readonly logToStdout: LogToStdout;
  readonly metricsMaxInMemory: number;
  /** Megabytes for request/response captures; 0 = off. */
  readonly captureBuffer: number;
  readonly startPort: number;
  readonly sendLoadingState: boolean;
  readonly includeAliasesInList: boolean;
  /** Empty = no authorization check. */
  readonly apiKeys: readonly string[];
  /** Model ids to load at startup (`hooks.on_startup.preload`). */
  readonly preload: readonly string[];
  /** Regular expression sources (`upstream.ignorePaths`). */
  readonly ignorePaths: readonly string[];
  readonly models: Readonly<Record<string, ResolvedModel>>;
  /** alias -> model id. */
  readonly aliases: Readonly<Record<string, string>>;
  readonly peers: Readonly<Record<string, ResolvedPeer>>;
  readonly core: CoreConfig;
  /** The parsed YAML document as plain data, before any resolution. */
  readonly raw: unknown;
}

export interface ConfigDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Models whose resolved process settings differ (cmd, env, proxy, checkEndpoint, ...). */
  readonly changed: readonly string[];
}
