/**
 * A start log for fake upstreams: every fake process is launched with
 * `node --import <run dir>/start-marker.mjs`, which appends one JSON line (name, pid, ppid)
 * (and the `HOTSWAP_E2E_PROBE` variable) to `<run dir>/starts.jsonl` before the server code runs. Counting lines counts process
 * starts (swaps); watching the file gives an explicit "model X is starting" signal.
 * The marker's path puts the run dir in every fake's command line, so /proc scans find them.
 */
import { readFileSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface StartRecord {
  /** The fake's `--name`. */
  readonly name: string;
  readonly pid: number;
  readonly ppid: number;
  /** `HOTSWAP_E2E_PROBE` from the process environment, or null: shows a model's `env` arrived. */
  readonly probe: string | null;
}

export class StartLog {
  readonly markerPath: string;
  readonly logPath: string;
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
    this.markerPath = join(dir, "start-marker.mjs");
    this.logPath = join(dir, "starts.jsonl");
    writeFileSync(this.logPath, "");
    writeFileSync(
      this.markerPath,
      [
        'import { appendFileSync } from "node:fs";',
        "const argv = process.argv;",
        'const at = argv.indexOf("--name");',
        "const name = at >= 0 ? argv[at + 1] : null;",
        `appendFileSync(${JSON.stringify(this.logPath)}, JSON.stringify({ name, pid: process.pid, ppid: process.ppid, probe: process.env.HOTSWAP_E2E_PROBE ?? null }) + "\\n");`,
        "",
      ].join("\n"),
    );
  }

  /**
   * Every start so far, in order. A process whose parent is itself a logged fake (a forked
   * grandchild inheriting the `--import`) is left out: it is not a model start.
   */
  starts(): StartRecord[] {
    const all = readFileSync(this.logPath, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as StartRecord);
    const pids = new Set(all.map((r) => r.pid));
    return all.filter((r) => !pids.has(r.ppid));
  }

  /** Names of started models, in start order. */
  names(): string[] {
    return this.starts().map((r) => r.name);
  }

  /** Starts of model `name`, in order. */
  startsOf(name: string): StartRecord[] {
    return this.starts().filter((r) => r.name === name);
  }

  /** The pid of the most recent start of `name`; throws if it never started. */
  lastPid(name: string): number {
    const last = this.startsOf(name).at(-1);
    if (last === undefined)
      throw new Error(`model ${name} never started; starts: ${this.names().join(", ")}`);
    return last.pid;
  }

  /**
   * Resolves once `name` has started at least `count` times (inotify on the run dir, no
   * polling). Rejects after `timeoutMs`, a failure bound rather than a synchronisation.
   */
  waitForStart(name: string, count = 1, timeoutMs = 20_000): Promise<StartRecord[]> {
    return new Promise((resolve, reject) => {
      let done = false;
      const watcher = watch(this.#dir);
      const finish = (error: Error | null, value?: StartRecord[]): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        watcher.close();
        if (error !== null) reject(error);
        else resolve(value ?? []);
      };
      const check = (): void => {
        const found = this.startsOf(name);
        if (found.length >= count) finish(null, found);
      };
      const timer = setTimeout(() => {
        finish(
          new Error(`timed out waiting for ${count} start(s) of ${name}; starts: ${this.names().join(", ")}`),
        );
      }, timeoutMs);
      watcher.on("change", check);
      watcher.on("error", (err) => finish(err));
      check();
    });
  }
}
