/**
 * Child processes for benches: spawn, gate on an output line, stop. Every child is spawned
 * detached (its own process group) so `stop()` also ends what it started (a proxy's model
 * servers, nginx's workers).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";

export interface OutputLine {
  /** performance.now() of the bench process when the line was read. */
  readonly at: number;
  readonly text: string;
}

export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Output lines so far (stdout and stderr), the most recent `keepLines` only. */
  readonly lines: readonly OutputLine[];
  /** Resolves with the first line (already read or future) matching `pattern`; rejects on exit first. */
  waitForLine(pattern: RegExp): Promise<OutputLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * SIGTERM to the child (a proxy then stops its own model servers and writes its CPU
   * profile), SIGKILL to its group after `graceMs`; resolves once the child has exited.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Lines kept in memory (a proxy logging per request would otherwise grow without bound). */
  readonly keepLines?: number;
  /** Echo each line to stderr with this prefix (debugging). */
  readonly echoPrefix?: string;
}

/** Thrown when a child exits before printing the line a bench waits for. */
export class ChildExitedError extends Error {
  readonly code = "BENCH_CHILD_EXITED";
}

function groupKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, [...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: options.env ?? process.env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const keep = options.keepLines ?? 5000;
  const lines: OutputLine[] = [];
  const watchers: Array<{ pattern: RegExp; resolve: (l: OutputLine) => void; reject: (e: Error) => void }> =
    [];
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const onLine = (text: string): void => {
    const line = { at: performance.now(), text };
    lines.push(line);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
    if (options.echoPrefix !== undefined) process.stderr.write(`${options.echoPrefix}${text}\n`);
    for (const w of watchers.filter((x) => x.pattern.test(text))) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve(line);
    }
  };
  createInterface({ input: child.stdout! }).on("line", onLine);
  createInterface({ input: child.stderr! }).on("line", onLine);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      const tail = lines
        .slice(-20)
        .map((l) => l.text)
        .join("\n");
      for (const w of watchers.splice(0)) {
        w.reject(new ChildExitedError(`${command} exited (${code ?? signal}) first:\n${tail}`));
      }
      resolve(exitInfo);
    });
  });
  const waitForLine = (pattern: RegExp): Promise<OutputLine> => {
    const seen = lines.find((l) => pattern.test(l.text));
    if (seen !== undefined) return Promise.resolve(seen);
    if (exitInfo !== null) return Promise.reject(new ChildExitedError(`${command} already exited`));
    return new Promise((resolve, reject) => watchers.push({ pattern, resolve, reject }));
  };
  const pid = child.pid!;
  const stop = async (graceMs = 15_000): Promise<void> => {
    if (exitInfo === null) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // Already gone; `exited` settles.
      }
      const timer = setTimeout(() => groupKill(pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // Whatever the leader left in its group (model servers) goes too.
    groupKill(pid, "SIGKILL");
  };
  return { child, pid, lines, waitForLine, exited, stop };
}
