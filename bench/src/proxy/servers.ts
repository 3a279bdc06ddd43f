/**
 * The servers a proxy bench talks to, each a separate process: the fast upstream, the
 * fake upstream (@hotswap/testkit) and hotswap itself (its CLI, or the launcher when a
 * bench must set the rewrite threshold).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Child, type SpawnOptions, spawnChild } from "./children.ts";

export const FAST_UPSTREAM_PATH = fileURLToPath(new URL("./fast-upstream.ts", import.meta.url));
export const HOTSWAP_MAIN_PATH = fileURLToPath(new URL("../../../apps/proxy/src/main.ts", import.meta.url));
/** The compile cache `pnpm start` uses (root package.json), so the bench measures the same process. */
export const COMPILE_CACHE_DIR = fileURLToPath(
  new URL("../../../node_modules/.cache/node-compile", import.meta.url),
);
export const HOTSWAP_LAUNCHER_PATH = fileURLToPath(new URL("./hotswap-launcher.ts", import.meta.url));

export interface RunningServer {
  readonly url: string;
  readonly pid: number;
  readonly process: Child;
  stop(): Promise<void>;
}

/** A server that neither listens nor exits within this long is stopped and reported. */
const START_LIMIT_MS = 60_000;

async function withDeadline<T>(child: Child, started: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${START_LIMIT_MS} ms`)),
      START_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([started, limit]);
  } catch (err) {
    await child.stop(2000);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function portOf(line: string): number {
  return Number(line.slice(line.lastIndexOf(":") + 1));
}

/** argv (after the node binary) that runs the fast upstream on `port`. */
export function fastUpstreamArgv(port: number, chunks = 200, chunkIntervalMs = 10): string[] {
  return [
    FAST_UPSTREAM_PATH,
    "--port",
    String(port),
    "--chunks",
    String(chunks),
    "--chunk-interval",
    String(chunkIntervalMs),
  ];
}

/** Starts a Node server script that prints `listening on HOST:PORT`; resolves once it does. */
async function startListening(
  what: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<RunningServer> {
  const child = spawnChild(process.execPath, args, options);
  const line = await withDeadline(child, child.waitForLine(/^listening on /), what);
  return {
    url: `http://127.0.0.1:${portOf(line.text)}`,
    pid: child.pid,
    process: child,
    stop: () => child.stop(),
  };
}

/** Starts the fast upstream on a free port; resolves once it listens. */
export function startFastUpstream(chunks = 200, chunkIntervalMs = 10): Promise<RunningServer> {
  return startListening("fast upstream", fastUpstreamArgv(0, chunks, chunkIntervalMs));
}

export const BARE_NODE_PROXY_PATH = fileURLToPath(new URL("./bare-node-proxy.ts", import.meta.url));

/** Starts the bare Node proxy (the overhead bench's floor) in front of `upstreamUrl`. */
export function startBareNodeProxy(upstreamUrl: string): Promise<RunningServer> {
  return startListening("bare node proxy", [BARE_NODE_PROXY_PATH, upstreamUrl], {
    env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE_DIR },
  });
}

export const TCP_RELAY_PATH = fileURLToPath(new URL("./tcp-relay.ts", import.meta.url));

/** Starts the TCP relay (the overhead bench's no-HTTP floor) in front of `upstreamUrl`. */
export function startTcpRelay(upstreamUrl: string): Promise<RunningServer> {
  return startListening("tcp relay", [TCP_RELAY_PATH, upstreamUrl], {
    env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE_DIR },
  });
}

export interface HotswapOptions {
  readonly configYaml: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Run the launcher with this threshold (bytes, or "inf") instead of the CLI. */
  readonly inlineThreshold?: number | "inf" | "default";
  readonly cwd?: string;
  readonly keepLines?: number;
}

export interface RunningHotswap extends RunningServer {
  readonly configPath: string;
}

/** Writes the config to a temp dir and starts hotswap on 127.0.0.1:0; resolves once it listens. */
export async function startHotswap(options: HotswapOptions): Promise<RunningHotswap> {
  const dir = mkdtempSync(join(tmpdir(), "hotswap-bench-"));
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, options.configYaml);
  const threshold = options.inlineThreshold;
  const entry =
    threshold === undefined
      ? [HOTSWAP_MAIN_PATH, "--config", configPath, "--listen", "127.0.0.1:0", "--state-dir", dir]
      : [
          HOTSWAP_LAUNCHER_PATH,
          "--config",
          configPath,
          ...(threshold === "default" ? [] : ["--inline-threshold", String(threshold)]),
        ];
  const child = spawnChild(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    // As `pnpm start` runs it: Node's compile cache spares each thread the TypeScript stripper.
    env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE_DIR },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.keepLines === undefined ? {} : { keepLines: options.keepLines }),
  });
  const line = await withDeadline(child, child.waitForLine(/^hotswap listening on /), "hotswap");
  const url = line.text.slice("hotswap listening on ".length).trim().replace(/\/$/, "");
  return { url, pid: child.pid, process: child, configPath, stop: () => child.stop() };
}
