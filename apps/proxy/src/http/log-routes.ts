/**
 * `/logs` (recent text of the proxy and every model) and the SSE streams `/logs/stream`
 * (everything) and `/logs/stream/<model>`. `?no-history` skips the recent lines.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LogHub } from "../logs/log-hub.ts";
import { SSE_HEADERS } from "./loading-state.ts";
import { sendText } from "./respond.ts";

/** Pure. One SSE frame for a (possibly multi-line) log text. */
export function logFrame(text: string): string {
  return `${text
    .split(/\r?\n/)
    .map((l) => `data: ${l}`)
    .join("\n")}\n\n`;
}

function streamLogs(
  logs: LogHub,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  source: string | null,
): void {
  res.writeHead(200, SSE_HEADERS);
  // Send the head now: with no history the first log line may be minutes away.
  res.flushHeaders();
  if (!url.searchParams.has("no-history")) {
    const history = source === null ? logs.all() : logs.tail(source);
    if (history.length > 0) res.write(logFrame(history.join("\n")));
  }
  const unsubscribe = logs.subscribe(source, (entry) => {
    if (res.writableEnded || res.destroyed) return;
    res.write(
      logFrame(source === null && entry.source !== "proxy" ? `[${entry.source}] ${entry.line}` : entry.line),
    );
  });
  res.once("close", unsubscribe);
  req.once("close", unsubscribe);
}

/** Handles the route if it is a log route; returns false otherwise. */
export function handleLogRoute(logs: LogHub, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (req.method !== "GET") return false;
  const path = url.pathname;
  if (path === "/logs") {
    const lines = logs.all();
    sendText(res, 200, lines.length > 0 ? `${lines.join("\n")}\n` : "");
    return true;
  }
  if (path === "/logs/stream") {
    streamLogs(logs, req, res, url, null);
    return true;
  }
  if (path.startsWith("/logs/stream/")) {
    streamLogs(logs, req, res, url, decodeURIComponent(path.slice("/logs/stream/".length)));
    return true;
  }
  return false;
}
