import { afterEach, describe, expect, it } from "vitest";
import { groupMembers, readProcStat } from "../src/workers/process-group.ts";
import { ProcessHost } from "../src/workers/process-host.ts";
import { PID_PLACEHOLDER } from "../src/workers/supervisor-messages.ts";
import { EventLog, fakeSpec, freePort } from "./supervisor-helpers.ts";

const hosts: ProcessHost[] = [];
function host(): { host: ProcessHost; log: EventLog } {
  const log = new EventLog();
  const h = new ProcessHost({ emit: log.push, record: null });
  hosts.push(h);
  return { host: h, log };
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stopAll(0)));
});

describe("supervisor process host", () => {
  it("supervisor: start reports spawned then ready, noticed soon after the server listens", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    h.start(fakeSpec("a", 1, port));
    const spawned = await log.waitFor("spawned", "a", 1);
    const ready = await log.waitFor("ready", "a", 1);
    const listening = await log.waitFor("log", "a", 1, (e) => e.line.startsWith("listening on"));
    expect(readProcStat(spawned.pid)?.pgid).toBe(spawned.pid);
    expect(ready.at - listening.at).toBeLessThan(250);
    expect(log.lifecycle("a", 1)).toEqual(["spawned", "ready"]);
  });

  it("supervisor: output during start triggers an early health check (ready soon after 'model loaded')", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    // By 700 ms the poll interval has backed off to ~200 ms; the output line cuts the wait short.
    h.start(fakeSpec("late", 1, port, ["--startup-delay", "700"]));
    const loaded = await log.waitFor("log", "late", 1, (e) => e.line.endsWith("model loaded"));
    const ready = await log.waitFor("ready", "late", 1);
    expect(ready.at - loaded.at).toBeLessThan(150);
  });

  it("supervisor: a server that answers 503 before it is ready reports answering once, between spawned and ready", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    h.start(fakeSpec("ans", 1, port, ["--startup-delay", "300"]));
    await log.waitFor("ready", "ans", 1);
    expect(log.lifecycle("ans", 1)).toEqual(["spawned", "answering", "ready"]);
  });

  it("supervisor: never healthy -> startFailed HEALTH_TIMEOUT with the last log lines, group gone", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    const started = Date.now();
    h.start(
      fakeSpec("nh", 1, port, ["--never-healthy", "--log-lines", "3"], {
        // Long enough for node to start and print under load; short enough for a test.
        healthCheckTimeoutMs: 1_500,
      }),
    );
    const spawned = await log.waitFor("spawned", "nh", 1);
    const failed = await log.waitFor("startFailed", "nh", 1);
    expect(failed.code).toBe("HEALTH_TIMEOUT");
    expect(failed.at - started).toBeGreaterThanOrEqual(1_500);
    expect(failed.lastLines).toEqual(expect.arrayContaining(["nh log line 1 of 3", "nh log line 2 of 3"]));
    expect(groupMembers(spawned.pid)).toEqual([]);
  });

  it("supervisor: a process exiting during start -> startFailed EXITED_DURING_START with its output", async () => {
    const { host: h, log } = host();
    const argv = [process.execPath, "-e", "console.error('boom: bad model file'); process.exit(3)"];
    h.start({ ...fakeSpec("x", 1, 1), argv });
    const failed = await log.waitFor("startFailed", "x", 1);
    expect(failed.code).toBe("EXITED_DURING_START");
    expect(failed.message).toContain("code 3");
    expect(failed.lastLines).toContain("boom: bad model file");
  });

  it("supervisor: a missing program -> startFailed SPAWN_FAILED", async () => {
    const { host: h, log } = host();
    h.start({ ...fakeSpec("m", 1, 1), argv: ["/nonexistent/llama-server", "-m", "x"] });
    const failed = await log.waitFor("startFailed", "m", 1);
    expect(failed.code).toBe("SPAWN_FAILED");
    expect(log.lifecycle("m", 1)).toEqual(["startFailed"]);
  });

  it("supervisor: no checkUrl -> ready as soon as spawned", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    h.start(fakeSpec("n", 1, port, [], { checkUrl: null }));
    await log.waitFor("ready", "n", 1);
    expect(log.lifecycle("n", 1)).toEqual(["spawned", "ready"]);
  });

  it("supervisor: a ready process that crashes -> exited with its code and last lines, once its group is gone", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    h.start(fakeSpec("c", 1, port, ["--crash-after", "0", "--fork-grandchild"]));
    const { pid } = await log.waitFor("spawned", "c", 1);
    await log.waitFor("ready", "c", 1);
    await log.waitFor("log", "c", 1, (e) => e.line.startsWith("grandchild "));
    await fetch(`http://127.0.0.1:${port}/v1/models`).catch(() => undefined);
    const exited = await log.waitFor("exited", "c", 1);
    expect(exited.exitCode).toBe(1);
    expect(exited.lastLines.join("\n")).toContain("crash after 0 requests");
    expect(log.lifecycle("c", 1)).toEqual(["spawned", "ready", "exited"]);
    expect(groupMembers(pid)).toEqual([]);
  });

  it("supervisor: stop of a process ignoring SIGTERM SIGKILLs it after the timeout, then stopped", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    h.start(fakeSpec("s", 1, port, ["--ignore-sigterm=always"]));
    const { pid } = await log.waitFor("spawned", "s", 1);
    await log.waitFor("ready", "s", 1);
    const before = Date.now();
    await h.stop("s", 1, 300);
    const stopped = await log.waitFor("stopped", "s", 1);
    expect(stopped.at - before).toBeGreaterThanOrEqual(300);
    expect(log.events.some((e) => e.type === "log" && e.line.includes("ignoring SIGTERM"))).toBe(true);
    expect(groupMembers(pid)).toEqual([]);
    expect(log.lifecycle("s", 1)).toEqual(["spawned", "ready", "stopped"]);
  });

  it("supervisor: stop kills grandchildren too: no process of the group is left", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    h.start(fakeSpec("g", 1, port, ["--fork-grandchild"]));
    const { pid } = await log.waitFor("spawned", "g", 1);
    const line = await log.waitFor("log", "g", 1, (e) => e.line.startsWith("grandchild "));
    const grandchild = Number(line.line.split(" ")[1]);
    await log.waitFor("ready", "g", 1);
    expect(groupMembers(pid).sort()).toEqual([pid, grandchild].sort());
    await h.stop("g", 1, 2_000);
    expect(groupMembers(pid)).toEqual([]);
    const state = readProcStat(grandchild)?.state ?? "gone";
    expect(["Z", "gone"]).toContain(state);
  });

  it("supervisor: cmdStop runs with the PID placeholder replaced by the main pid", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    // The fake ignores SIGTERM, so only cmdStop's SIGINT to the right pid can stop it in time.
    const stopArgv = ["kill", "-INT", PID_PLACEHOLDER];
    h.start(fakeSpec("k", 1, port, ["--ignore-sigterm=always"], { stopArgv }));
    await log.waitFor("ready", "k", 1);
    const before = Date.now();
    await h.stop("k", 1, 20_000);
    expect(Date.now() - before).toBeLessThan(10_000);
    expect(log.events.some((e) => e.type === "log" && e.line.includes("SIGTERM"))).toBe(false);
    expect(log.lifecycle("k", 1)).toEqual(["spawned", "ready", "stopped"]);
  });

  it("supervisor: stop during start reports only stopped; stop of an unknown instance is stopped at once", async () => {
    const { host: h, log } = host();
    const port = await freePort();
    h.start(fakeSpec("d", 1, port, ["--startup-delay", "60000"]));
    await log.waitFor("log", "d", 1, (e) => e.line.startsWith("listening on"));
    await h.stop("d", 1, 1_000);
    // `answering` (the server answered 503) may or may not have come before the stop.
    expect(log.lifecycle("d", 1).filter((t) => t !== "answering")).toEqual(["spawned", "stopped"]);
    await h.stop("unknown", 7, 1_000);
    expect(log.lifecycle("unknown", 7)).toEqual(["stopped"]);
  });
});
