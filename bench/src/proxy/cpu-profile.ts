/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and ranks functions by self time,
 * so the report can say where the proxy's time goes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  /** `name (file:line)`, file relative to the repo or `node:` internals. */
  readonly fn: string;
  readonly selfMs: number;
  /** Share of the non-idle sampled time. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly idleMs: number;
  readonly top: readonly SelfTime[];
}

function label(frame: ProfileNode["callFrame"]): string {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return name;
  const short = frame.url
    .replace(/^file:\/\/.*?\/node_modules\/\.pnpm\/([^/]+)\/node_modules\//, "$1:")
    .replace(/^file:\/\/.*?\/(apps|packages|bench)\//, "$1/");
  return `${name} (${short}:${frame.lineNumber + 1})`;
}

/** Pure. Self time per function (same label merged), highest first. */
export function summarizeProfile(file: string, profile: CpuProfile, topN = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    total += ms;
    if (node.callFrame.functionName === "(idle)") {
      idle += ms;
      return;
    }
    const key = label(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + ms);
  });
  const busy = total - idle;
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([fn, ms]) => ({
      fn,
      selfMs: Math.round(ms * 10) / 10,
      percent: busy > 0 ? Math.round((ms / busy) * 1000) / 10 : 0,
    }));
  return { file, totalMs: Math.round(total), idleMs: Math.round(idle), top };
}

/** Summaries of every profile in `dir` (one per thread: main, supervisor, rewrite pool), busiest first. */
export function summarizeProfileDir(dir: string, topN = 15): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) =>
      summarizeProfile(join(dir, f), JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile, topN),
    )
    .sort((a, b) => b.totalMs - b.idleMs - (a.totalMs - a.idleMs));
}
