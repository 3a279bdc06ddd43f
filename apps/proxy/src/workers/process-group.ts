/**
 * Process groups seen through /proc (Linux). A group is "gone" when no process with that
 * pgid is left except zombies: in this sandbox pid 1 does not reap, so killed orphans may
 * stay as zombies forever, and a zombie holds no port or memory.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";

export interface ProcStat {
  readonly pid: number;
  /** One letter: R, S, D, Z (zombie), T, ... */
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  /** Start time in clock ticks after boot: with the pid, identifies one process. */
  readonly startTicks: number;
}

/** Reads /proc/PID/stat; null if there is no such process. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: fields[0] ?? "?",
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTicks: Number(fields[19]),
  };
}

/** Pids of the live (non-zombie) processes in group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readProcStat(pid);
    if (stat !== null && stat.pgid === pgid && stat.state !== "Z") members.push(pid);
  }
  return members;
}

/** True when no live process of the group is left. */
export function isGroupGone(pgid: number): boolean {
  return groupMembers(pgid).length === 0;
}

/** Signals every process of the group; false if the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (pgid <= 1) throw new RangeError(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
}

/**
 * Resolves true once the group is gone, false if `timeoutMs` passed first (null = no limit).
 * With `leaderExited` (settles when the group leader, our child, exits), waits for that
 * event first instead of polling: the leader is usually the whole group, so the /proc check
 * right after it mostly succeeds at once. Then (or without it) polls fast at first (most
 * processes die within milliseconds), backing off to 50 ms.
 */
export async function waitGroupGone(
  pgid: number,
  timeoutMs: number | null,
  leaderExited?: Promise<unknown>,
): Promise<boolean> {
  const deadline = timeoutMs === null ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  if (leaderExited !== undefined && !isGroupGone(pgid)) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const bound =
      left === Number.POSITIVE_INFINITY
        ? null
        : new Promise<void>((resolve) => {
            timer = setTimeout(resolve, left);
          });
    await (bound === null ? leaderExited : Promise.race([leaderExited, bound]));
    clearTimeout(timer);
  }
  let interval = 1;
  for (;;) {
    if (isGroupGone(pgid)) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await delay(Math.min(interval, left));
    interval = Math.min(interval * 1.5, 50);
  }
}

/** SIGKILLs the group and resolves once it is gone. */
export async function killGroupAndWait(pgid: number, leaderExited?: Promise<unknown>): Promise<void> {
  signalGroup(pgid, "SIGKILL");
  await waitGroupGone(pgid, null, leaderExited);
}
