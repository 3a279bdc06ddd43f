/**
 * The large-bodies bench's baselines: the same small-request p99 ratio (loaded window over
 * idle window) measured in the same run for the upstream reached directly and through
 * nginx, beside hotswap, with idle/loaded pairs interleaved across the paths so that the
 * machine's drift over the run hits them alike.
 *
 * Why: the ratio says as much about the load as about the proxy. In a closed loop the large-
 * body senders send again as soon as answered, so a path that carries bodies faster is given
 * more of them: the upstream alone then takes ~100 bodies of 20 MB a second and its own small
 * requests suffer most. The fixed-rate mode offers every path the same load.
 */

import { measurePair, type WindowPair, type WindowTarget } from "./bodies-windows.ts";
import { startNginxIfAvailable } from "./nginx.ts";
import { childPids } from "./proc-stats.ts";
import { type RunningServer, startFastUpstream } from "./servers.ts";
import { median } from "./stats.ts";

export type ComparedPath = "direct" | "nginx" | "hotswap";

export interface ComparedRow {
  readonly path: ComparedPath;
  /** Large bodies offered per second; null = closed loop. */
  readonly largeRate: number | null;
  readonly pairs: readonly WindowPair[];
  /** Median over the pairs of each figure. */
  readonly medianRatio: number | null;
  readonly medianIdleP99Ms: number | null;
  readonly medianLoadedP99Ms: number | null;
  readonly medianLargePerS: number | null;
}

export interface Comparison {
  readonly rows: readonly ComparedRow[];
  /** How nginx was run, or why it was skipped. */
  readonly nginxNote: string;
}

export interface CompareOptions {
  /** hotswap with the bench's model loaded (the pool variant). */
  readonly hotswap: WindowTarget;
  readonly model: string;
  readonly largeFile: string;
  /** The fixed mode's offered rate, large bodies per second. */
  readonly fixedRate: number;
  readonly pairs: number;
  readonly windowS: number;
  readonly leadS: number;
  readonly installNginx: boolean;
}

/** Starts direct (its own fast upstream) and nginx in front of it; both stopped by `stop`. */
async function startBaselines(
  install: boolean,
  log: (l: string) => void,
): Promise<{ targets: [ComparedPath, WindowTarget][]; nginxNote: string; stop(): Promise<void> }> {
  const servers: RunningServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    const direct = await startFastUpstream();
    servers.push(direct);
    const targets: [ComparedPath, WindowTarget][] = [["direct", { url: direct.url, pid: null }]];
    const nginx = await startNginxIfAvailable(install, direct.url, log);
    if (nginx.server !== null) {
      servers.push(nginx.server);
      targets.push(["nginx", { url: nginx.server.url, pid: childPids(nginx.server.pid)[0] ?? null }]);
    }
    return { targets, nginxNote: nginx.note, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * For each mode (closed loop, then the fixed rate) runs `pairs` rounds; each round measures
 * one idle/loaded pair on every path in turn (direct, nginx, hotswap).
 */
export async function compareBodies(options: CompareOptions, log: (l: string) => void): Promise<Comparison> {
  const baselines = await startBaselines(options.installNginx, log);
  try {
    const targets: [ComparedPath, WindowTarget][] = [...baselines.targets, ["hotswap", options.hotswap]];
    const rows: ComparedRow[] = [];
    for (const rate of [null, options.fixedRate]) {
      const pairs = new Map<ComparedPath, WindowPair[]>(targets.map(([path]) => [path, []]));
      for (let i = 0; i < options.pairs; i++) {
        for (const [path, target] of targets) {
          log(
            `compared: ${path}, ${rate === null ? "closed loop" : `${rate}/s`}, pair ${i + 1} of ${options.pairs}`,
          );
          const large = { file: options.largeFile, rate, leadS: options.leadS };
          pairs.get(path)?.push(await measurePair(target, options.model, options.windowS, large));
        }
      }
      for (const [path, measured] of pairs) rows.push(summarizeRow(path, rate, measured));
    }
    return { rows, nginxNote: baselines.nginxNote };
  } finally {
    await baselines.stop();
  }
}

function summarizeRow(
  path: ComparedPath,
  largeRate: number | null,
  pairs: readonly WindowPair[],
): ComparedRow {
  return {
    path,
    largeRate,
    pairs,
    medianRatio: median(pairs.map((p) => p.ratio)),
    medianIdleP99Ms: median(pairs.map((p) => p.idleP99Ms)),
    medianLoadedP99Ms: median(pairs.map((p) => p.loadedP99Ms)),
    medianLargePerS: median(pairs.map((p) => p.largePerS)),
  };
}
