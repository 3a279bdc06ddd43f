/**
 * Process bookkeeping through /proc: which processes a test run started (they carry the
 * run's marker in their environment or its temp dir in their command line) and whether a
 * pid is still alive. A zombie (`Z`) counts as gone: pid 1 in this sandbox does not reap
 * orphans, so a killed grandchild can linger as `<defunct>` without holding anything.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Environment variable every process of a run inherits; its value is the run's temp dir. */
export const RUN_MARKER_ENV = "HOTSWAP_E2E_RUN";

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  /** The one-letter state from /proc/PID/stat (R, S, D, T, Z, ...). */
  readonly state: string;
  readonly cmdline: string;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

/** State and parent of `pid`, or null when the pid no longer exists. */
export function procInfo(pid: number): ProcInfo | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cmdline = (readOrNull(`/proc/${pid}/cmdline`) ?? "").split("\0").join(" ").trim();
  return { pid, ppid: Number(fields[1]), state: fields[0] ?? "?", cmdline };
}

/** True while `pid` exists and is not a zombie. */
export function isLive(pid: number): boolean {
  const info = procInfo(pid);
  return info !== null && info.state !== "Z" && info.state !== "X";
}

/** Every live (non-zombie) process that belongs to the run whose temp dir is `dir`. */
export function liveProcessesOfRun(dir: string): ProcInfo[] {
  const found: ProcInfo[] = [];
  const marker = `${RUN_MARKER_ENV}=${dir}`;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const environ = readOrNull(`/proc/${pid}/environ`) ?? "";
    const cmdline = readOrNull(`/proc/${pid}/cmdline`) ?? "";
    if (!environ.split("\0").includes(marker) && !cmdline.includes(dir)) continue;
    const info = procInfo(pid);
    if (info !== null && info.state !== "Z" && info.state !== "X") found.push(info);
  }
  return found;
}

/** Human-readable list for failure messages. */
export function describeProcesses(list: readonly ProcInfo[]): string {
  return list.map((p) => `  pid ${p.pid} (ppid ${p.ppid}, state ${p.state}): ${p.cmdline}`).join("\n");
}
