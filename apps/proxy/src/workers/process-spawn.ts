/**
 * Spawning a supervised process and reading its output line by line.
 */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { execa } from "execa";
import type { ProcessSpec } from "./supervisor-messages.ts";

/** Calls `onLine` per line; resolves when the stream ends (every writer closed it). */
export function readLines(stream: Readable | null, onLine: (line: string) => void): Promise<void> {
  if (stream === null) return Promise.resolve();
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  rl.on("line", onLine);
  return new Promise((resolve) => rl.once("close", resolve));
}

/**
 * Detached = own process group (pgid = pid); not buffered (servers run for days); never
 * rejects (failures are read from the result). Throws only for an empty argv.
 */
export function spawnChild(spec: ProcessSpec) {
  const [file, ...args] = spec.argv;
  if (file === undefined) throw new Error("empty argv");
  return execa(file, args, {
    detached: true,
    cleanup: false,
    buffer: false,
    reject: false,
    stdin: "ignore",
    env: spec.env,
    extendEnv: true,
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
  });
}
export type Child = ReturnType<typeof spawnChild>;
