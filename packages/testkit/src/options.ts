/**
 * The fake upstream's knobs, and how they are read from argv and from `x-fake-*` headers.
 */
import type { IncomingHttpHeaders } from "node:http";
import { parseArgs } from "node:util";

/** `in-flight`: ignore SIGTERM only while a non-streaming request is running (llama-server). */
export type IgnoreSigterm = "no" | "in-flight" | "always";

/** Everything the fake upstream can be told at start. All fields have defaults. */
export interface FakeUpstreamOptions {
  /** 0 picks a free port; the bound port is printed and returned. */
  readonly port: number;
  readonly host: string;
  /** Reported in every answer so tests can tell which server answered. */
  readonly name: string;
  /** Time after binding before `/health` turns 200; until then every route answers 503. */
  readonly startupDelayMs: number;
  /** Delay before answering (before the first chunk of a stream). */
  readonly responseDelayMs: number;
  /** Number of `data:` chunks in a stream, before `data: [DONE]`. */
  readonly chunks: number;
  readonly chunkIntervalMs: number;
  /** Requests 1..N are answered; request N+1 makes the process exit 1 unanswered. */
  readonly crashAfter: number | null;
  /** Exit 1 halfway through every stream. */
  readonly crashMidStream: boolean;
  readonly ignoreSigterm: IgnoreSigterm;
  /** Spawn a grandchild (same process group, shared stdout/stderr) that sleeps forever. */
  readonly forkGrandchild: boolean;
  /** `/health` never turns 200. */
  readonly neverHealthy: boolean;
  /** Answers include the received method, path, headers and body. */
  readonly echo: boolean;
  /** A marker file held while running: a second fake upstream with the same file fails. */
  readonly exclusiveLock: string | null;
  /** Lines printed at start (alternating stdout/stderr) to exercise log capture. */
  readonly logLines: number;
}

export const defaultOptions: FakeUpstreamOptions = {
  port: 0,
  host: "127.0.0.1",
  name: "fake",
  startupDelayMs: 0,
  responseDelayMs: 0,
  chunks: 3,
  chunkIntervalMs: 0,
  crashAfter: null,
  crashMidStream: false,
  ignoreSigterm: "no",
  forkGrandchild: false,
  neverHealthy: false,
  echo: false,
  exclusiveLock: null,
  logLines: 0,
};

/** Thrown for a bad flag or flag value; the CLI prints it and exits 2. */
export class FakeUpstreamUsageError extends Error {
  readonly code = "FAKE_UPSTREAM_USAGE";
}

function toCount(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new FakeUpstreamUsageError(`--${flag} needs an integer >= 0, got ${raw}`);
  return n;
}

function toIgnoreSigterm(raw: string | boolean | undefined): IgnoreSigterm {
  if (raw === undefined || raw === false) return "no";
  if (raw === true || raw === "" || raw === "in-flight") return "in-flight";
  if (raw === "always") return "always";
  throw new FakeUpstreamUsageError(`--ignore-sigterm takes no value, "in-flight" or "always", got ${raw}`);
}

/** Parses CLI flags (`--port 0 --name a --chunks 5 ...`) into options. */
export function parseFakeUpstreamArgs(argv: readonly string[]): FakeUpstreamOptions {
  // --ignore-sigterm may be bare or --ignore-sigterm=always; parseArgs wants one shape.
  const normalised = argv.map((a) => (a === "--ignore-sigterm" ? "--ignore-sigterm=in-flight" : a));
  const str = { type: "string" } as const;
  const bool = { type: "boolean" } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: normalised,
      strict: true,
      options: {
        port: str,
        host: str,
        name: str,
        "startup-delay": str,
        "response-delay": str,
        chunks: str,
        "chunk-interval": str,
        "crash-after": str,
        "crash-mid-stream": bool,
        "ignore-sigterm": str,
        "fork-grandchild": bool,
        "never-healthy": bool,
        echo: bool,
        "exclusive-lock": str,
        "log-lines": str,
      },
    }));
  } catch (err) {
    throw new FakeUpstreamUsageError((err as Error).message);
  }
  const s = (k: string): string | undefined => {
    const v = values[k];
    return typeof v === "string" ? v : undefined;
  };
  const d = defaultOptions;
  const port = toCount("port", s("port"), d.port);
  if (port > 65535) throw new FakeUpstreamUsageError(`--port out of range: ${port}`);
  return {
    port,
    host: s("host") ?? d.host,
    name: s("name") ?? d.name,
    startupDelayMs: toCount("startup-delay", s("startup-delay"), d.startupDelayMs),
    responseDelayMs: toCount("response-delay", s("response-delay"), d.responseDelayMs),
    chunks: toCount("chunks", s("chunks"), d.chunks),
    chunkIntervalMs: toCount("chunk-interval", s("chunk-interval"), d.chunkIntervalMs),
    crashAfter: s("crash-after") === undefined ? null : toCount("crash-after", s("crash-after"), 0),
    crashMidStream: values["crash-mid-stream"] === true,
    ignoreSigterm: toIgnoreSigterm(values["ignore-sigterm"]),
    forkGrandchild: values["fork-grandchild"] === true,
    neverHealthy: values["never-healthy"] === true,
    echo: values.echo === true,
    exclusiveLock: s("exclusive-lock") ?? null,
    logLines: toCount("log-lines", s("log-lines"), d.logLines),
  };
}

/** Knobs a single request may override with `x-fake-*` headers. */
export interface RequestKnobs {
  readonly responseDelayMs: number;
  readonly chunks: number;
  readonly chunkIntervalMs: number;
  readonly crashMidStream: boolean;
  readonly echo: boolean;
  /** `x-fake-status`: answer with this status and an error body instead. */
  readonly status: number | null;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function headerCount(headers: IncomingHttpHeaders, name: string, fallback: number): number {
  const raw = header(headers, name);
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

function headerFlag(headers: IncomingHttpHeaders, name: string, fallback: boolean): boolean {
  const raw = header(headers, name);
  if (raw === undefined) return fallback;
  return raw === "1" || raw === "true";
}

/**
 * Per-request knobs: `x-fake-response-delay`, `x-fake-chunks`, `x-fake-chunk-interval`,
 * `x-fake-crash-mid-stream`, `x-fake-echo`, `x-fake-status` override the start options.
 */
export function requestKnobs(options: FakeUpstreamOptions, headers: IncomingHttpHeaders): RequestKnobs {
  const status = headerCount(headers, "x-fake-status", 0);
  return {
    responseDelayMs: headerCount(headers, "x-fake-response-delay", options.responseDelayMs),
    chunks: headerCount(headers, "x-fake-chunks", options.chunks),
    chunkIntervalMs: headerCount(headers, "x-fake-chunk-interval", options.chunkIntervalMs),
    crashMidStream: headerFlag(headers, "x-fake-crash-mid-stream", options.crashMidStream),
    echo: headerFlag(headers, "x-fake-echo", options.echo),
    status: status >= 100 && status <= 599 ? status : null,
  };
}
