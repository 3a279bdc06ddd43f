/**
 * The ways the overhead bench reaches the fast upstream, each with the pids whose CPU time it
 * charges per request: direct (the upstream), nginx (its worker processes, plus the same
 * upstream), tcp-relay (tcp-relay.ts: a proxy process doing no HTTP work, only the two socket
 * hops), node-floor (bare-node-proxy.ts: the least a Node proxy routing by `model` does, plus
 * the same upstream) and hotswap (the proxy process, plus its own model process).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@hotswap/testkit";
import { configYaml } from "./configs.ts";
import { warm } from "./http-client.ts";
import { startNginxIfAvailable } from "./nginx.ts";
import { childPids } from "./proc-stats.ts";
import {
  FAST_UPSTREAM_PATH,
  type RunningServer,
  startBareNodeProxy,
  startFastUpstream,
  startHotswap,
  startTcpRelay,
} from "./servers.ts";

export type PathName = "direct" | "nginx" | "tcp-relay" | "node-floor" | "hotswap";

export interface BenchPath {
  readonly path: PathName;
  readonly url: string;
  /** The proxy's processes (nginx workers, hotswap); empty for direct. */
  readonly proxyPids: readonly number[];
  readonly upstreamPid: number;
}

export interface OverheadPaths {
  readonly servers: RunningServer[];
  readonly paths: BenchPath[];
  readonly nginxNote: string;
}

export const MODEL = "bench";

/** Starts hotswap with one preloaded-by-request model running the fast upstream. */
export async function startHotswapPath(
  nodeArgs: readonly string[],
): Promise<{ server: RunningServer; path: BenchPath }> {
  const port = await freePort();
  // The model's pid comes from the upstream's own milestone file (it is the proxy's grandchild).
  const eventsFile = join(mkdtempSync(join(tmpdir(), "hotswap-bench-overhead-")), "milestones.jsonl");
  const argv = [process.execPath, FAST_UPSTREAM_PATH, "--port", String(port), "--events-file", eventsFile];
  const server = await startHotswap({
    configYaml: configYaml({ models: [{ id: MODEL, argv, port }] }),
    nodeArgs,
    keepLines: 200,
  });
  await warm(server.url, MODEL);
  const boots = readFileSync(eventsFile, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { pid: number });
  const upstreamPid = boots.at(-1)?.pid ?? 0;
  return { server, path: { path: "hotswap", url: server.url, proxyPids: [server.pid], upstreamPid } };
}

export async function startOverheadPaths(install: boolean, log: (l: string) => void): Promise<OverheadPaths> {
  const servers: RunningServer[] = [];
  try {
    const direct = await startFastUpstream();
    servers.push(direct);
    const paths: BenchPath[] = [{ path: "direct", url: direct.url, proxyPids: [], upstreamPid: direct.pid }];
    const nginx = await startNginxIfAvailable(install, direct.url, log);
    if (nginx.server !== null) {
      servers.push(nginx.server);
      const pids = childPids(nginx.server.pid);
      paths.push({ path: "nginx", url: nginx.server.url, proxyPids: pids, upstreamPid: direct.pid });
    }
    const relay = await startTcpRelay(direct.url);
    servers.push(relay);
    paths.push({ path: "tcp-relay", url: relay.url, proxyPids: [relay.pid], upstreamPid: direct.pid });
    const floor = await startBareNodeProxy(direct.url);
    servers.push(floor);
    paths.push({ path: "node-floor", url: floor.url, proxyPids: [floor.pid], upstreamPid: direct.pid });
    const hotswap = await startHotswapPath([]);
    servers.push(hotswap.server);
    paths.push(hotswap.path);
    return { servers, paths, nginxNote: nginx.note };
  } catch (err) {
    // A path that cannot start must not leave the others running.
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
}
