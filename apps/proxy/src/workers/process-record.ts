/**
 * A JSON file listing the process groups this supervisor started and has not yet seen gone.
 * If the proxy is SIGKILLed its children live on; the next start calls `sweepOrphans` on
 * the same file and kills them, so their ports and memory are free again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { groupMembers, killGroupAndWait, readProcStat } from "./process-group.ts";

export interface RecordEntry {
  readonly pgid: number;
  readonly model: string;
  readonly instance: number;
  /** `Date.now()` at spawn, for people reading the file. */
  readonly startedAt: number;
  /** /proc start time of the group leader, so a recycled pid is never mistaken for ours. */
  readonly startTicks: number | null;
}

function readEntries(file: string): RecordEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as RecordEntry[]).filter((e) => Number.isInteger(e?.pgid)) : [];
  } catch {
    // A torn or foreign file: nothing in it can be trusted to be ours.
    return [];
  }
}

function writeEntries(file: string, entries: readonly RecordEntry[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(entries, null, 2)}\n`);
  renameSync(tmp, file);
}

/**
 * The record file of one supervisor. Writes are synchronous and atomic (temp file + rename)
 * and best effort: the file only serves the next start's sweep, so a failing disk must not
 * stop processes from being served. `lastError` keeps the last write failure.
 */
export class ProcessRecordFile {
  readonly file: string;
  #entries: RecordEntry[];
  lastError: Error | null = null;

  constructor(file: string) {
    this.file = file;
    this.#entries = readEntries(file);
  }

  add(entry: RecordEntry): void {
    this.#entries = [...this.#entries.filter((e) => e.pgid !== entry.pgid), entry];
    this.#write();
  }

  remove(pgid: number): void {
    this.#entries = this.#entries.filter((e) => e.pgid !== pgid);
    this.#write();
  }

  #write(): void {
    try {
      writeEntries(this.file, this.#entries);
    } catch (err) {
      this.lastError = err as Error;
    }
  }

  entries(): readonly RecordEntry[] {
    return this.#entries;
  }
}

/**
 * Whether a recorded group still has live processes that are ours. A live leader must have
 * the recorded start time. Without a live leader, live members with that pgid can only be
 * the original group's: Linux does not hand out a pid while a group with that id exists.
 */
export function isOurLiveGroup(entry: RecordEntry): boolean {
  const leader = readProcStat(entry.pgid);
  if (leader !== null && leader.state !== "Z") {
    return (
      leader.pgid === entry.pgid && (entry.startTicks === null || leader.startTicks === entry.startTicks)
    );
  }
  if (leader !== null && entry.startTicks !== null && leader.startTicks !== entry.startTicks) return false;
  return groupMembers(entry.pgid).length > 0;
}

export interface SweepResult {
  /** Groups that were still alive and have been killed. */
  readonly killed: readonly RecordEntry[];
  /** Entries whose group was gone or not ours. */
  readonly dropped: readonly RecordEntry[];
}

/** Kills every live group recorded in `file` (resolves once they are gone), then empties it. */
export async function sweepOrphans(file: string): Promise<SweepResult> {
  const entries = readEntries(file);
  const killed = entries.filter(isOurLiveGroup);
  const dropped = entries.filter((e) => !killed.includes(e));
  await Promise.all(killed.map((e) => killGroupAndWait(e.pgid)));
  writeEntries(file, []);
  return { killed, dropped };
}
