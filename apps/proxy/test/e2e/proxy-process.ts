/**
 * The proxy as a real child process: `node apps/proxy/src/main.ts --config FILE --listen
 * 127.0.0.1:0`. Resolves once the process prints `hotswap listening on http://...`; keeps
 * its stdout lines and stderr for failure messages.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The proxy's entry point. */
export const PROXY_MAIN_PATH = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const LISTENING = /hotswap listening on (http:\/\/\S+)/;

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ProxyProcess {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly pid: number;
  /** Every stdout line so far. */
  readonly lines: string[];
  readonly exited: Promise<ExitStatus>;
  readonly #child: ChildProcess;
  readonly #stderr: string[];
  readonly #lineListeners: Set<(line: string) => void>;
  #exit: ExitStatus | null = null;

  private constructor(
    child: ChildProcess,
    url: string,
    output: { lines: string[]; stderr: string[]; listeners: Set<(line: string) => void> },
    exited: Promise<ExitStatus>,
  ) {
    this.#child = child;
    this.url = url;
    this.pid = child.pid ?? -1;
    this.lines = output.lines;
    this.#stderr = output.stderr;
    this.#lineListeners = output.listeners;
    this.exited = exited.then((status) => {
      this.#exit = status;
      return status;
    });
  }

  /**
   * Spawns the proxy (`extraArgs` after `--config FILE --listen 127.0.0.1:0`) and resolves
   * when it is listening; rejects (with its output) if it exits first.
   */
  static start(
    configPath: string,
    env: Record<string, string>,
    extraArgs: readonly string[] = [],
    timeoutMs = 20_000,
  ): Promise<ProxyProcess> {
    const args = [PROXY_MAIN_PATH, "--config", configPath, "--listen", "127.0.0.1:0", ...extraArgs];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const stderr: string[] = [];
    const listeners = new Set<(line: string) => void>();
    child.stderr?.setEncoding("utf8").on("data", (text: string) => stderr.push(text));
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    const output = (): string => `stdout:\n${lines.join("\n")}\nstderr:\n${stderr.join("")}`;
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        child.kill("SIGKILL");
        reject(new Error(`proxy did not print its listening line within ${timeoutMs} ms\n${output()}`));
      }, timeoutMs);
      const rl = createInterface({ input: child.stdout! });
      rl.on("line", (line) => {
        lines.push(line);
        for (const listener of listeners) listener(line);
        const match = LISTENING.exec(line);
        if (match?.[1] !== undefined && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(new ProxyProcess(child, match[1].replace(/\/$/, ""), { lines, stderr, listeners }, exited));
        }
      });
      void exited.then((status) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`proxy exited (${JSON.stringify(status)}) before listening\n${output()}`));
      });
      child.once("error", (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get hasExited(): boolean {
    return this.#exit !== null;
  }

  /** Stdout and stderr so far, for failure messages. */
  output(): string {
    return `--- proxy stdout ---\n${this.lines.join("\n")}\n--- proxy stderr ---\n${this.#stderr.join("")}`;
  }

  /**
   * Resolves with the first stdout line at index >= `from` (already printed or still to
   * come) that matches `pattern`; rejects after `timeoutMs` (a failure bound) or when the
   * process exits first. Pass `from: proxy.lines.length` to wait for a new line only.
   */
  waitForLine(pattern: RegExp, options: { from?: number; timeoutMs?: number } = {}): Promise<string> {
    const from = options.from ?? 0;
    const timeoutMs = options.timeoutMs ?? 15_000;
    const seen = this.lines.slice(from).find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const listener = (line: string): void => {
        if (!pattern.test(line)) return;
        cleanup();
        resolve(line);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no stdout line matched ${pattern} within ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#lineListeners.delete(listener);
      };
      this.#lineListeners.add(listener);
      void this.exited.then(() => {
        if (!this.#lineListeners.has(listener)) return;
        cleanup();
        reject(new Error(`proxy exited before printing a line matching ${pattern}\n${this.output()}`));
      });
    });
  }

  /** Sends `signal` (SIGTERM by default). */
  signal(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.#exit === null) this.#child.kill(signal);
  }

  /**
   * SIGTERM, then resolves with the exit status. If the process is still running after
   * `timeoutMs` it is SIGKILLed and the promise rejects: a graceful shutdown must not hang.
   */
  async stop(timeoutMs = 30_000): Promise<ExitStatus> {
    if (this.#exit !== null) return this.#exit;
    this.signal("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result === "timeout") {
      this.signal("SIGKILL");
      await this.exited;
      throw new Error(`proxy did not exit within ${timeoutMs} ms of SIGTERM\n${this.output()}`);
    }
    return result;
  }
}
