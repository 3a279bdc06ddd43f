/**
 * A marker file naming the pid that holds it. A second holder fails loudly while the first
 * is alive; a marker left by a dead process (or a zombie) is taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // State is the field after the parenthesised command name; Z = zombie (dead, unreaped).
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Takes the lock or returns the pid holding it. */
export function acquireLock(file: string): { ok: true } | { ok: false; holder: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      process.once("exit", () => releaseLock(file));
      return { ok: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return { ok: false, holder };
      unlinkSync(file);
    }
  }
  return { ok: false, holder: -1 };
}

function releaseLock(file: string): void {
  try {
    if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}
