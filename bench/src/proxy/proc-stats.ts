/**
 * Memory and CPU of another process, from /proc (Linux): VmRSS from /proc/PID/status
 * sampled on an interval, CPU as the utime+stime delta of /proc/PID/stat (all threads).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** RSS in MB, or null once the process is gone. */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds used so far (user + system, all threads), or null once the process is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

export interface ProcUsage {
  readonly peakRssMb: number;
  readonly startRssMb: number;
  readonly cpuSeconds: number;
  /** CPU seconds per wall second, in percent of one core. */
  readonly cpuPercent: number;
  readonly samples: number;
}

export interface ProcSampler {
  /** Stops sampling and returns usage over the sampled window. */
  stop(): ProcUsage;
}

export function sampleProcess(pid: number, intervalMs = 50): ProcSampler {
  const startCpu = cpuSeconds(pid) ?? 0;
  const startAt = performance.now();
  const startRss = rssMb(pid) ?? 0;
  let peak = startRss;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = rssMb(pid);
    if (rss === null) return;
    samples += 1;
    if (rss > peak) peak = rss;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = rssMb(pid);
      if (rss !== null && rss > peak) peak = rss;
      const cpu = (cpuSeconds(pid) ?? startCpu) - startCpu;
      const wallS = (performance.now() - startAt) / 1000;
      return {
        peakRssMb: Math.round(peak * 10) / 10,
        startRssMb: Math.round(startRss * 10) / 10,
        cpuSeconds: Math.round(cpu * 100) / 100,
        cpuPercent: wallS > 0 ? Math.round((cpu / wallS) * 1000) / 10 : 0,
        samples,
      };
    },
  };
}

/** Direct children of `pid` (Linux /proc/PID/task/PID/children); empty when unavailable. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter((s) => s !== "")
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds of several processes over a window (e.g. nginx's workers), for CPU per request. */
export function cpuOf(pids: readonly number[]): { stop(): number } {
  const start = pids.map((p) => cpuSeconds(p) ?? 0);
  return {
    stop: () => pids.reduce((sum, p, i) => sum + ((cpuSeconds(p) ?? start[i]!) - start[i]!), 0),
  };
}
