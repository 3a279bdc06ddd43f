/**
 * Adds up generated steps across the family suites of one vitest run. Vitest runs each test
 * file in its own worker, so the suites cannot share memory: each writes its count to a
 * directory named for the vitest process (pid plus its start time, so a reused pid starts a
 * fresh tally), and reads everyone's counts back. The suite that finishes last sees them all.
 * Test-side helper only (uses node:fs); the core never sees it.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

/** The process that runs the whole vitest run: our parent in the forks pool, ourselves in threads. */
function runKey(): string {
  const pid = isMainThread ? process.ppid : process.pid;
  let started = "0";
  try {
    // Field 22 of /proc/PID/stat is the start time; the command name (field 2) may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    started = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "0";
  } catch {
    // Not Linux: the pid alone will do.
  }
  return `${pid}-${started}`;
}

function tallyDir(): string {
  const dir = join(tmpdir(), "hotswap-property-steps", runKey());
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Records `steps` for `suite` and returns every suite's count recorded in this run so far. */
export function recordSteps(suite: string, steps: number): ReadonlyMap<string, number> {
  const dir = tallyDir();
  // Write then rename, so a reader never sees half a file.
  writeFileSync(join(dir, `${suite}.tmp`), JSON.stringify({ suite, steps }));
  renameSync(join(dir, `${suite}.tmp`), join(dir, `${suite}.json`));
  const counts = new Map<string, number>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".json")) continue;
    try {
      const entry = JSON.parse(readFileSync(join(dir, file), "utf8")) as { suite: string; steps: number };
      counts.set(entry.suite, entry.steps);
    } catch {
      // Another suite is writing it right now; it will read the tally itself when done.
    }
  }
  return counts;
}
