import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { groupMembers } from "../src/workers/process-group.ts";
import type { RecordEntry } from "../src/workers/process-record.ts";
import { createSupervisor, type Supervisor } from "../src/workers/supervisor-client.ts";
import { EventLog, fakeSpec, freePort } from "./supervisor-helpers.ts";

const open: Supervisor[] = [];
function supervisor(recordFile: string | null = null): { sup: Supervisor; log: EventLog } {
  const log = new EventLog();
  const sup = createSupervisor({ onEvent: log.push, recordFile });
  open.push(sup);
  return { sup, log };
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const recordFile = (): string => join(mkdtempSync(join(tmpdir(), "hotswap-record-")), "processes.json");
const readRecord = (file: string): RecordEntry[] => JSON.parse(readFileSync(file, "utf8")) as RecordEntry[];

describe("supervisor client (worker thread)", () => {
  it("supervisor client: start -> ready, stop -> stopped, and the record file follows", async () => {
    const file = recordFile();
    const { sup, log } = supervisor(file);
    const port = await freePort();
    await sup.start(fakeSpec("a", 1, port));
    const { pid } = await log.waitFor("spawned", "a", 1);
    await log.waitFor("ready", "a", 1);
    expect(readRecord(file)).toEqual([expect.objectContaining({ pgid: pid, model: "a", instance: 1 })]);
    const res = await fetch(`http://127.0.0.1:${port}/v1/models`);
    expect(res.status).toBe(200);
    await expect(sup.start(fakeSpec("a", 1, port))).rejects.toMatchObject({
      code: "INSTANCE_ALREADY_STARTED",
    });
    await sup.stop("a", 1, 2_000);
    expect(log.lifecycle("a", 1)).toEqual(["spawned", "ready", "stopped"]);
    expect(groupMembers(pid)).toEqual([]);
    expect(readRecord(file)).toEqual([]);
  });

  it("supervisor client: worker death kills every group, reports them, and a new worker starts", async () => {
    const { sup, log } = supervisor(recordFile());
    const [p1, p2] = [await freePort(), await freePort()];
    await sup.start(fakeSpec("r", 1, p1, ["--fork-grandchild"]));
    await sup.start(fakeSpec("s", 1, p2, ["--startup-delay", "60000"]));
    const r = await log.waitFor("spawned", "r", 1);
    const s = await log.waitFor("spawned", "s", 1);
    await log.waitFor("ready", "r", 1);
    await log.waitFor("log", "r", 1, (e) => e.line.startsWith("grandchild "));
    const p3 = await freePort();
    await sup.terminateWorker();
    // Recovery is under way (groups being killed): a start now must reach the new worker.
    await sup.start(fakeSpec("during", 1, p3));
    const exited = await log.waitFor("exited", "r", 1);
    const failed = await log.waitFor("startFailed", "s", 1);
    expect(exited.message).toBe("supervisor worker died");
    expect(failed.code).toBe("SUPERVISOR_DIED");
    expect(groupMembers(r.pid)).toEqual([]);
    expect(groupMembers(s.pid)).toEqual([]);
    expect(sup.restarts).toBe(1);
    await log.waitFor("ready", "during", 1);
    await sup.start(fakeSpec("r", 2, p1));
    await log.waitFor("ready", "r", 2);
    expect(log.lifecycle("during", 1)).toEqual(["spawned", "ready"]);
  });

  it("supervisor client: stopAll stops every process with the given timeout", async () => {
    const { sup, log } = supervisor();
    const ports = [await freePort(), await freePort()];
    await sup.start(fakeSpec("x", 1, ports[0]!, ["--ignore-sigterm=always"]));
    await sup.start(fakeSpec("y", 1, ports[1]!));
    await log.waitFor("ready", "x", 1);
    await log.waitFor("ready", "y", 1);
    await sup.stopAll(200);
    expect(log.lifecycle("x", 1)).toEqual(["spawned", "ready", "stopped"]);
    expect(log.lifecycle("y", 1)).toEqual(["spawned", "ready", "stopped"]);
  });

  it("supervisor client: five models sharing one port: a second start fails, the first keeps serving", async () => {
    const { sup, log } = supervisor();
    const port = await freePort();
    await sup.start(fakeSpec("one", 1, port));
    await log.waitFor("ready", "one", 1);
    await sup.start(fakeSpec("two", 1, port));
    // The health check may reach the first server before the second one gives up, so the
    // second ends as startFailed or (after a borrowed "ready") exited: never as a server.
    const ended = await Promise.race([log.waitFor("startFailed", "two", 1), log.waitFor("exited", "two", 1)]);
    expect(ended.lastLines.join("\n")).toContain("EADDRINUSE");
    const models = (await (await fetch(`http://127.0.0.1:${port}/v1/models`)).json()) as {
      data: Array<{ id: string }>;
    };
    expect(models.data[0]?.id).toBe("one");
  });

  it("supervisor client: an unusable record file fails commands loudly instead of hanging", async () => {
    const notADir = join(mkdtempSync(join(tmpdir(), "hotswap-bad-")), "file");
    writeFileSync(notADir, "");
    const { sup } = supervisor(join(notADir, "processes.json"));
    await expect(sup.start(fakeSpec("b", 1, await freePort()))).rejects.toMatchObject({
      code: "SUPERVISOR_INIT_FAILED",
      message: expect.stringMatching(/supervisor init failed/),
    });
    await sup.stop("b", 1, 100);
  });
});
