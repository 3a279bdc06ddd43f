/**
 * The proxy's pino logger: JSON lines to stdout (when `logToStdout` includes the proxy) and
 * a readable copy of every line into the log hub for `/logs`. No transport thread.
 */
import type { LogLevel, LogToStdout } from "@hotswap/config";
import { type Logger, multistream, pino, type StreamEntry } from "pino";
import { type LogHub, PROXY_SOURCE } from "./logs/log-hub.ts";

function hubStream(logs: LogHub): { write(chunk: string): void } {
  return {
    write(chunk: string) {
      try {
        const record = JSON.parse(chunk) as { level?: number; msg?: string; [k: string]: unknown };
        const level = pino.levels.labels[record.level ?? 30] ?? "info";
        const { msg, ...rest } = record;
        const extra = Object.entries(rest)
          .filter(([k]) => !["level", "time", "pid", "hostname"].includes(k))
          .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
          .join(" ");
        logs.push(PROXY_SOURCE, `${level}: ${msg ?? ""}${extra ? ` ${extra}` : ""}`);
      } catch {
        logs.push(PROXY_SOURCE, chunk.trimEnd());
      }
    },
  };
}

export function createLogger(logs: LogHub, level: LogLevel, toStdout: LogToStdout): Logger {
  const streams: StreamEntry[] = [{ level, stream: hubStream(logs) }];
  if (toStdout === "proxy" || toStdout === "both") streams.push({ level, stream: process.stdout });
  return pino({ level, base: { pid: process.pid }, messageKey: "msg" }, multistream(streams));
}
