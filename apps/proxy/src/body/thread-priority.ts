/**
 * Lowering the scheduling priority of the calling thread only (Linux): the rewrite pool's
 * threads run below the HTTP thread, so on a machine with few cores a multi-MB JSON parse
 * waits for the event loop rather than the other way round.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/** Nice value for the rewrite threads: CFS then gives the HTTP thread ~9 times their share. */
export const REWRITE_THREAD_NICE = 10;

/**
 * The calling thread's kernel id, from `/proc/thread-self` ("PID/task/TID"); null where there
 * is no such link (not Linux).
 */
export function threadId(): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Sets this thread's nice value (Linux applies setpriority to a thread id alone). Best
 * effort: elsewhere, or where the call is refused, the thread keeps its priority. Returns
 * whether it was lowered.
 */
export function lowerThreadPriority(nice = REWRITE_THREAD_NICE): boolean {
  const tid = threadId();
  if (tid === null || tid === process.pid) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
