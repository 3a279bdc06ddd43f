/** What the stream load process is asked to do and what it answers (one JSON line each way). */
import { fileURLToPath } from "node:url";
import { spawnChild } from "./children.ts";

export interface StreamLoadRequest {
  /** Full URL of the chat completions endpoint. */
  readonly url: string;
  readonly streams: number;
  /** `data:` frames each stream should carry before `[DONE]`. */
  readonly expectChunks: number;
  readonly model: string;
}

export interface StreamLoadResult {
  readonly streams: number;
  readonly expectedChunks: number;
  readonly deliveredChunks: number;
  /** Streams that got every frame and `[DONE]`. */
  readonly completeStreams: number;
  readonly errors: number;
  readonly firstErrors: readonly string[];
  readonly wallMs: number;
  /** Request sent to first `data:` frame, per stream. */
  readonly ttfcMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Time between consecutive frames of a stream (includes the upstream's interval). */
  readonly gapMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

const STREAM_LOAD_PATH = fileURLToPath(new URL("./stream-load.ts", import.meta.url));

/** Runs the streams from a separate process; resolves with its result. */
export async function runStreamLoad(request: StreamLoadRequest): Promise<StreamLoadResult> {
  const child = spawnChild(process.execPath, [STREAM_LOAD_PATH, JSON.stringify(request)], { keepLines: 50 });
  const { code } = await child.exited;
  const last = child.lines.at(-1)?.text ?? "";
  if (code !== 0 || !last.startsWith("{")) {
    throw new Error(`stream load failed (${code}): ${child.lines.map((l) => l.text).join("\n")}`);
  }
  return JSON.parse(last) as StreamLoadResult;
}
