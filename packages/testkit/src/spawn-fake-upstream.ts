/**
 * For tests: runs the fake upstream CLI as a real child process and resolves once it has
 * printed "listening on HOST:PORT". Waiting helpers gate on output lines and on exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { FAKE_UPSTREAM_PATH } from "./paths.ts";

export interface SpawnedFakeUpstream {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Every output line so far, stdout and stderr interleaved as read. */
  readonly lines: readonly string[];
  /** Resolves with the first line (already printed or future) matching `pattern`; rejects on exit first. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Thrown when the process exits before printing its listening line. */
export class FakeUpstreamStartError extends Error {
  readonly code = "FAKE_UPSTREAM_START";
  readonly lines: readonly string[];
  constructor(message: string, lines: readonly string[]) {
    super(message);
    this.lines = lines;
  }
}

/** `args` are CLI flags; `--port 0` is added unless a port is given. */
export function spawnFakeUpstream(args: readonly string[] = []): Promise<SpawnedFakeUpstream> {
  const fullArgs = args.includes("--port") ? [...args] : ["--port", "0", ...args];
  const child = spawn(process.execPath, [FAKE_UPSTREAM_PATH, ...fullArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const watchers: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onLine = (line: string): void => {
    lines.push(line);
    for (const w of watchers.filter((x) => x.pattern.test(line))) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve(line);
    }
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (pattern: RegExp): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      watchers.push({ pattern, resolve });
      void exited.then(({ code, signal }) =>
        reject(new FakeUpstreamStartError(`exited (${code ?? signal}) before printing ${pattern}`, lines)),
      );
    });
  };
  return waitForLine(/^listening on /).then((line) => {
    const port = Number(line.slice(line.lastIndexOf(":") + 1));
    return { child, pid: child.pid!, port, url: `http://127.0.0.1:${port}`, lines, waitForLine, exited };
  });
}
