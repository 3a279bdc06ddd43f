/**
 * The proxy's pino logger: JSON lines to stdout (when `logToStdout` includes the proxy) and
 * a readable copy of every line into the log hub for `/logs`. No transport thread.
 *
 * Cost matters: a log call sits on the request path. So the hub line is built from the call's
 * arguments (pino's `logMethod` hook) instead of parsing the serialised JSON back, stdout is
 * written asynchronously (a pipe's `process.stdout` writes synchronously on Linux), and when
 * stdout is off nothing is serialised at all.
 */
import type { LogLevel, LogToStdout } from "@hotswap/config";
import { type DestinationStream, type Logger, pino } from "pino";
import { type LogHub, PROXY_SOURCE } from "./logs/log-hub.ts";

/** Keys pino adds to every line; the hub's text leaves them out. */
const HIDDEN_KEYS = new Set(["level", "time", "pid", "hostname", "msg"]);

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Pure. The hub's line for one log call: `level: msg key=value ...`. */
export function hubLine(levelLabel: string, args: readonly unknown[]): string {
  let fields: Record<string, unknown> | null = null;
  let rest = args;
  const first = args[0];
  if (typeof first === "object" && first !== null) {
    // pino's own convention: a leading Error is logged as { err }.
    fields = first instanceof Error ? { err: first } : (first as Record<string, unknown>);
    rest = args.slice(1);
  }
  let msg = rest.length > 0 ? String(rest[0]) : "";
  if (rest.length === 0 && first instanceof Error) msg = first.message;
  let text = `${levelLabel}: ${msg}`;
  if (fields !== null) {
    for (const key in fields) {
      const value = fields[key];
      if (value === undefined || HIDDEN_KEYS.has(key)) continue;
      text += ` ${key}=${describe(value)}`;
    }
  }
  return text;
}

/** Discards what pino serialises when the proxy's lines do not go to stdout. */
const DISCARD: DestinationStream = { write: () => {} };

export function createLogger(logs: LogHub, level: LogLevel, toStdout: LogToStdout): Logger {
  const toStdoutToo = toStdout === "proxy" || toStdout === "both";
  // sync: false batches lines written while one write is in flight; pino flushes it on exit.
  const stdout = toStdoutToo ? pino.destination({ dest: 1, sync: false }) : DISCARD;
  return pino(
    {
      level,
      base: { pid: process.pid },
      messageKey: "msg",
      hooks: {
        logMethod(args, method, levelNumber) {
          logs.push(PROXY_SOURCE, hubLine(pino.levels.labels[levelNumber] ?? "info", args));
          if (toStdoutToo) method.apply(this, args);
        },
      },
    },
    stdout,
  );
}

/** The parts of pino's stdout destination (sonic-boom) that `closeLogs` uses. */
interface EndableStream {
  end(): void;
  once(event: "close" | "error", listener: () => void): unknown;
}

function endable(stream: unknown): EndableStream | null {
  const s = stream as Partial<EndableStream> | null;
  return s && typeof s.end === "function" && typeof s.once === "function" ? (s as EndableStream) : null;
}

/**
 * Ends the logger's stdout stream and resolves once it has closed, or after `limitMs`. Run
 * last, before the process exits.
 *
 * Why: pino flushes a `sync: false` destination at exit with sonic-boom's `flushSync`, which
 * retries a failed write forever (sleeping 100 ms each time) unless the error is EAGAIN. With
 * stdout's reader gone (EPIPE) and lines still queued at exit, the process never exits: a
 * proxy was found parked in Atomics.wait, after every model had stopped, long after SIGTERM.
 * Ending the stream on the event loop either writes the queue or fails once; on EPIPE pino
 * turns the stream into no-ops, so nothing is left for the exit-time flush.
 */
export function closeLogs(logger: Logger, limitMs = 1000): Promise<void> {
  const raw = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  const stream = raw === DISCARD ? null : endable(raw);
  if (stream === null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, limitMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    stream.once("close", done);
    stream.once("error", done);
    stream.end();
  });
}
