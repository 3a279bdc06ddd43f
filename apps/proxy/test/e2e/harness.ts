/**
 * End-to-end harness: one `E2eRun` per test owns a temp dir, writes the proxy's config there,
 * runs the proxy as a real process, and on teardown stops it and fails the test if any
 * process it started (proxy, fake upstreams, their grandchildren) is still alive.
 *
 * Contract of `e2eRun(ctx)` (call it inside a test, with the test's context):
 * 1. creates `/tmp/hotswap-e2e-XXXX/` and the fake-upstream start log in it;
 * 2. registers teardown with `ctx.onTestFinished`: SIGTERM the proxy, await its exit, scan /proc
 *    for live processes carrying the run's marker, SIGKILL and report any, remove the dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "vitest";
import { describeProcesses, liveProcessesOfRun, RUN_MARKER_ENV } from "./processes.ts";
import { ProxyProcess } from "./proxy-process.ts";
import { StartLog } from "./start-log.ts";

/** The fake upstream's CLI entry (@hotswap/testkit). */
export const FAKE_UPSTREAM_PATH = fileURLToPath(
  new URL("../../../../packages/testkit/src/fake-upstream.ts", import.meta.url),
);

/** The `${PORT}` macro, for a fake whose port the config assigns from `startPort`. */
export const PORT_MACRO = `\${PORT}` as "${PORT}";

/** Fake upstream flags (see packages/testkit/src/options.ts). */
export interface FakeKnobs {
  readonly startupDelayMs?: number;
  readonly responseDelayMs?: number;
  readonly chunks?: number;
  readonly chunkIntervalMs?: number;
  readonly crashAfter?: number;
  readonly crashMidStream?: boolean;
  readonly ignoreSigterm?: "in-flight" | "always";
  readonly forkGrandchild?: boolean;
  readonly neverHealthy?: boolean;
  readonly echo?: boolean;
  readonly logLines?: number;
  /** A file name inside the run dir: two fakes holding the same lock cannot run together. */
  readonly exclusiveLock?: string;
}

/** Config values every test starts from; a test's own top-level keys override them. */
const BASE_CONFIG = { healthCheckTimeout: 15, logLevel: "info" };

export class E2eRun {
  readonly dir: string;
  readonly starts: StartLog;
  #proxy: ProxyProcess | null = null;
  /** Every proxy this run started (a test may kill one and start another). */
  readonly #proxies: ProxyProcess[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "hotswap-e2e-"));
    this.starts = new StartLog(this.dir);
  }

  get proxy(): ProxyProcess {
    if (this.#proxy === null) throw new Error("proxy not started");
    return this.#proxy;
  }

  /**
   * The command line that runs one fake upstream named `name` on `port` (a number, or the
   * literal `${PORT}` for the config to fill in).
   */
  fakeCmd(name: string, port: number | "${PORT}", knobs: FakeKnobs = {}): string {
    const args = [process.execPath, "--import", this.starts.markerPath, FAKE_UPSTREAM_PATH];
    args.push("--port", String(port), "--name", name);
    const numeric: [keyof FakeKnobs, string][] = [
      ["startupDelayMs", "--startup-delay"],
      ["responseDelayMs", "--response-delay"],
      ["chunks", "--chunks"],
      ["chunkIntervalMs", "--chunk-interval"],
      ["crashAfter", "--crash-after"],
      ["logLines", "--log-lines"],
    ];
    for (const [key, flag] of numeric) if (knobs[key] !== undefined) args.push(flag, String(knobs[key]));
    if (knobs.crashMidStream === true) args.push("--crash-mid-stream");
    if (knobs.ignoreSigterm !== undefined) args.push(`--ignore-sigterm=${knobs.ignoreSigterm}`);
    if (knobs.forkGrandchild === true) args.push("--fork-grandchild");
    if (knobs.neverHealthy === true) args.push("--never-healthy");
    if (knobs.echo === true) args.push("--echo");
    if (knobs.exclusiveLock !== undefined) args.push("--exclusive-lock", join(this.dir, knobs.exclusiveLock));
    return args.join(" ");
  }

  /** A llama-swap model entry running a fake upstream on an explicit port. */
  fake(
    name: string,
    port: number,
    knobs: FakeKnobs = {},
    settings: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return { cmd: this.fakeCmd(name, port, knobs), proxy: `http://127.0.0.1:${port}`, ...settings };
  }

  /** Writes `config` (JSON is valid YAML) over the base settings and returns the file path. */
  writeConfig(config: Record<string, unknown>, fileName = "config.yaml"): string {
    const path = join(this.dir, fileName);
    writeFileSync(path, `${JSON.stringify({ ...BASE_CONFIG, ...config }, null, 2)}\n`);
    return path;
  }

  /**
   * Writes the config and starts the proxy (with `args` after `--config FILE --listen
   * 127.0.0.1:0`, and `env` added to its environment); resolves when it is listening.
   */
  async startProxy(
    config: Record<string, unknown>,
    args: readonly string[] = [],
    env: Record<string, string> = {},
  ): Promise<ProxyProcess> {
    if (this.#proxy !== null && !this.#proxy.hasExited) throw new Error("proxy already running");
    const path = this.writeConfig(config);
    this.#proxy = await ProxyProcess.start(path, { ...env, [RUN_MARKER_ENV]: this.dir }, args);
    this.#proxies.push(this.#proxy);
    return this.#proxy;
  }

  /** Throws, naming each one, if any process of this run is still alive (zombies excluded). */
  expectNoLeftovers(): void {
    const left = liveProcessesOfRun(this.dir);
    if (left.length > 0) {
      throw new Error(`processes left behind:\n${describeProcesses(left)}\n${this.#proxy?.output() ?? ""}`);
    }
  }

  /** Stops the proxy, checks that nothing is left, kills and reports whatever is, removes the dir. */
  async close(): Promise<void> {
    const problems: string[] = [];
    for (const proxy of this.#proxies) {
      if (proxy.hasExited) continue;
      try {
        await proxy.stop();
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    const left = liveProcessesOfRun(this.dir);
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (left.length > 0)
      problems.push(`processes left behind after the proxy exited:\n${describeProcesses(left)}`);
    rmSync(this.dir, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${this.#proxy?.output() ?? ""}`);
  }
}

/**
 * A run whose teardown (stop the proxy, assert no leftover process) runs when the test ends.
 * Takes the test's context because e2e files run their tests concurrently, and only the
 * context's `onTestFinished` is tied to the right test then.
 */
export function e2eRun(ctx: Pick<TestContext, "onTestFinished">): E2eRun {
  const run = new E2eRun();
  ctx.onTestFinished(() => run.close());
  return run;
}
