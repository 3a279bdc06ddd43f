/**
 * Ending a process group the way llama-swap does: cmdStop or SIGTERM, then SIGKILL.
 */
import { execa } from "execa";
import { signalGroup, waitGroupGone } from "./process-group.ts";
import { PID_PLACEHOLDER, type ProcessSpec } from "./supervisor-messages.ts";

/**
 * Asks group `pid` to stop: runs `spec.stopArgv` (placeholder replaced by `pid`) if given,
 * else SIGTERMs the group; a failing cmdStop falls back to SIGTERM (reported via `log`).
 * SIGKILLs the group once `timeoutMs` has passed since the call. Resolves when the group is
 * gone (zombies aside). `leaderExited` (settles when the group leader exits) lets the wait
 * react to the exit event instead of polling /proc.
 */
export async function terminateGroup(
  pid: number,
  spec: Pick<ProcessSpec, "stopArgv" | "env">,
  timeoutMs: number,
  log: (line: string) => void,
  leaderExited?: Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let asked = false;
  const stopArgv = spec.stopArgv?.map((a) => a.replaceAll(PID_PLACEHOLDER, String(pid))) ?? [];
  const [file, ...args] = stopArgv;
  if (file !== undefined) {
    const result = await execa(file, args, {
      reject: false,
      timeout: timeoutMs,
      stdin: "ignore",
      env: spec.env,
    });
    asked = !result.failed;
    if (result.failed) log(`cmdStop failed, sending SIGTERM: ${result.shortMessage}`);
  }
  if (!asked) signalGroup(pid, "SIGTERM");
  if (!(await waitGroupGone(pid, Math.max(0, deadline - Date.now()), leaderExited))) {
    signalGroup(pid, "SIGKILL");
    await waitGroupGone(pid, null, leaderExited);
  }
}
