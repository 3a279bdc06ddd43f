import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { FAKE_UPSTREAM_PATH } from "@hotswap/testkit";
import { describe, expect, it } from "vitest";
import { groupMembers, readProcStat, signalGroup, waitGroupGone } from "../src/workers/process-group.ts";
import { type RecordEntry, sweepOrphans } from "../src/workers/process-record.ts";
import { createSupervisor } from "../src/workers/supervisor-client.ts";
import { EventLog, fakeSpec, freePort } from "./supervisor-helpers.ts";

/** Starts a fake upstream the way a killed proxy left it: own group, with a grandchild. */
async function orphan(): Promise<{ pid: number; grandchild: number; entry: RecordEntry }> {
  const child = spawn(process.execPath, [FAKE_UPSTREAM_PATH, "--port", "0", "--fork-grandchild"], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const pid = child.pid!;
  const grandchild = await new Promise<number>((resolve) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("grandchild ")) resolve(Number(line.split(" ")[1]));
    });
  });
  const entry = {
    pgid: pid,
    model: "old",
    instance: 1,
    startedAt: 0,
    startTicks: readProcStat(pid)!.startTicks,
  };
  return { pid, grandchild, entry };
}

const recordPath = (): string => join(mkdtempSync(join(tmpdir(), "hotswap-sweep-")), "processes.json");

describe("supervisor orphan sweep", () => {
  it("sweep: kills a group recorded by a previous run, grandchildren included, and empties the file", async () => {
    const o = await orphan();
    const file = recordPath();
    writeFileSync(file, JSON.stringify([o.entry, { ...o.entry, pgid: 2 ** 22 + 17 }]));
    const result = await sweepOrphans(file);
    expect(result.killed.map((e) => e.pgid)).toEqual([o.pid]);
    expect(result.dropped).toHaveLength(1);
    expect(groupMembers(o.pid)).toEqual([]);
    expect(["Z", undefined]).toContain(readProcStat(o.grandchild)?.state);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([]);
  });

  it("sweep: leaves a live group alone when its start time does not match (a recycled pid)", async () => {
    const o = await orphan();
    const file = recordPath();
    writeFileSync(file, JSON.stringify([{ ...o.entry, startTicks: o.entry.startTicks! - 1 }]));
    try {
      const result = await sweepOrphans(file);
      expect(result.killed).toEqual([]);
      expect(groupMembers(o.pid).sort()).toEqual([o.pid, o.grandchild].sort());
    } finally {
      signalGroup(o.pid, "SIGKILL");
      await waitGroupGone(o.pid, null);
    }
  });

  it("sweep: a new supervisor sweeps its record file before starting anything", async () => {
    const o = await orphan();
    const file = recordPath();
    writeFileSync(file, JSON.stringify([o.entry]));
    const log = new EventLog();
    const sup = createSupervisor({ onEvent: log.push, recordFile: file });
    try {
      const port = await freePort();
      await sup.start(fakeSpec("new", 1, port));
      const spawned = await log.waitFor("spawned", "new", 1);
      expect(groupMembers(o.pid)).toEqual([]);
      const recorded = JSON.parse(readFileSync(file, "utf8")) as RecordEntry[];
      expect(recorded.map((e) => e.pgid)).toEqual([spawned.pid]);
    } finally {
      await sup.close();
    }
  });
});
