/**
 * `hotswap` (serve): load the config (or the demo), sweep orphans, start the proxy, print
 * the listening line, preload, watch the config, and shut down gracefully on signals.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigError,
  formatProblem,
  loadConfig,
  parseConfigText,
  type ResolvedConfig,
  watchConfig,
} from "@hotswap/config";
import { FAKE_UPSTREAM_PATH, freePorts } from "@hotswap/testkit";
import { type ProxyHandle, startProxy } from "./app.ts";
import { DEMO_MODELS, demoBanner, demoConfigText } from "./demo-config.ts";
import { type ListenAddress, parseListen } from "./http/server.ts";
import { closeLogs } from "./logger.ts";
import { sweepOrphans } from "./workers/process-record.ts";

export interface ServeOptions {
  readonly config?: string;
  readonly listen: string;
  readonly watchConfig: boolean;
  readonly stateDir?: string;
  /** Passed to `startProxy` (bodies at least this big are rewritten in the worker pool). */
  readonly inlineBodyThresholdBytes?: number;
}

/** Bound on the graceful part of a shutdown before processes are killed. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Where spawned process groups are recorded, keyed by the listen address so a restart on
 * the same address sweeps what a crashed run left. Port 0 is not a stable key: such runs
 * get a per-pid file (so parallel test proxies never sweep each other).
 */
export function recordFilePath(listen: ListenAddress, stateDir: string | undefined): string {
  if (stateDir !== undefined) return join(stateDir, "processes.json");
  const key =
    listen.port === 0 ? `pid-${process.pid}` : `${listen.host}_${listen.port}`.replace(/[^\w.-]/g, "_");
  return join(tmpdir(), "hotswap", `${key}.json`);
}

async function loadOrDemo(path: string | undefined): Promise<{ config: ResolvedConfig; demo: boolean }> {
  if (path !== undefined) return { config: (await loadConfig(path)).config, demo: false };
  const text = demoConfigText({
    nodePath: process.execPath,
    fakeUpstreamPath: FAKE_UPSTREAM_PATH,
    ports: await freePorts(DEMO_MODELS.length),
  });
  return { config: parseConfigText(text, { path: "(built-in demo)" }).config, demo: true };
}

function watch(proxy: ProxyHandle, path: string, initial: ResolvedConfig): () => void {
  return watchConfig(path, {
    initial,
    onChange(result) {
      if (!result.ok) {
        proxy.logger.error(
          { problems: result.problems.map(formatProblem) },
          "config reload rejected; keeping the old one",
        );
        return;
      }
      const { added, removed, changed } = result.diff;
      proxy.logger.info({ added, removed, changed }, "config reloaded");
      proxy.replaceConfig(result.config, changed);
    },
  });
}

/** Runs until a signal; resolves with the exit code. */
export async function serve(options: ServeOptions): Promise<number> {
  const listen = parseListen(options.listen);
  let loaded: { config: ResolvedConfig; demo: boolean };
  try {
    loaded = await loadOrDemo(options.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    return 1;
  }
  const recordFile = recordFilePath(listen, options.stateDir);
  mkdirSync(join(recordFile, ".."), { recursive: true });
  const swept = await sweepOrphans(recordFile);

  const proxy = await startProxy({
    config: loaded.config,
    listen,
    recordFile,
    ...(options.inlineBodyThresholdBytes === undefined
      ? {}
      : { inlineBodyThresholdBytes: options.inlineBodyThresholdBytes }),
  });
  proxy.logger.info({ recordFile, swept: swept.killed.length }, "orphan sweep done");
  process.stdout.write(`hotswap listening on ${proxy.url}\n`);
  if (loaded.demo) process.stderr.write(demoBanner(proxy.url));
  proxy.preload(loaded.config.preload);
  if (options.watchConfig && options.config === undefined)
    proxy.logger.warn("--watch-config needs --config; ignored");
  const stopWatching =
    options.watchConfig && options.config !== undefined
      ? watch(proxy, options.config, loaded.config)
      : () => {};

  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals === 1) {
        proxy.logger.info({ signal }, "shutting down (send again to force)");
        stopWatching();
        proxy.close({ graceMs: SHUTDOWN_GRACE_MS }).then(
          () => {
            // A per-pid record file (port 0) is never read again once every group is gone.
            if (listen.port === 0 && options.stateDir === undefined) rmSync(recordFile, { force: true });
            void closeLogs(proxy.logger).then(() => resolve(0));
          },
          (err: unknown) => {
            proxy.logger.error({ err }, "shutdown failed");
            void closeLogs(proxy.logger).then(() => resolve(1));
          },
        );
      } else {
        proxy.logger.warn({ signal }, "forcing shutdown");
        void proxy.close({ force: true });
      }
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
