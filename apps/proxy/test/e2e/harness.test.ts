/**
 * The e2e harness checks itself: the start log sees fake upstreams start, the /proc scan
 * finds a run's processes (grandchildren included), and teardown fails on a leftover.
 */
import { spawn } from "node:child_process";
import { describe, expect, test } from "vitest";
import { fakeStats, pollUntil } from "./client.ts";
import { E2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";
import { isLive, liveProcessesOfRun, RUN_MARKER_ENV } from "./processes.ts";

function spawnInRun(run: E2eRun, cmd: string) {
  const [file, ...args] = cmd.split(" ");
  return spawn(file!, args, { env: { ...process.env, [RUN_MARKER_ENV]: run.dir }, stdio: "ignore" });
}

describe("e2e harness", () => {
  test("the start log records a fake upstream's start and the /proc scan finds it and its grandchild", async () => {
    const run = new E2eRun();
    const [port] = await freePorts(1);
    const child = spawnInRun(run, run.fakeCmd("solo", port!, { forkGrandchild: true }));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      const [start] = await run.starts.waitForStart("solo");
      expect(start?.pid).toBe(child.pid);
      const stats = await pollUntil("the fake to answer", () => fakeStats(port!));
      expect(stats).toMatchObject({ name: "solo", pid: child.pid });
      const mine = await pollUntil("the grandchild to appear", async () => {
        const found = liveProcessesOfRun(run.dir);
        return found.length === 2 ? found : undefined;
      });
      expect(mine.map((p) => p.ppid)).toContain(child.pid);
      expect(run.starts.names(), "a grandchild is not a model start").toEqual(["solo"]);
    } finally {
      for (const p of liveProcessesOfRun(run.dir)) process.kill(p.pid, "SIGKILL");
    }
    await exited;
    expect(isLive(child.pid!)).toBe(false);
    await run.close();
  });

  test("teardown fails and names the process when one of the run's processes is left alive", async () => {
    const run = new E2eRun();
    const stray = spawnInRun(run, `${process.execPath} -e setInterval(()=>{},1000)`);
    const exited = new Promise((resolve) => stray.once("exit", resolve));
    await pollUntil("the stray to run", async () => (isLive(stray.pid!) ? true : undefined));

    await expect(run.close()).rejects.toThrow(new RegExp(`processes left behind[\\s\\S]*pid ${stray.pid}`));
    await exited;
    expect(isLive(stray.pid!)).toBe(false);
  });
});
