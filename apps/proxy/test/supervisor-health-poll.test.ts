import { startFakeUpstream } from "@hotswap/testkit";
import { describe, expect, it } from "vitest";
import { Nudge, pollHealth } from "../src/workers/health-poll.ts";

describe("supervisor health poll", () => {
  it("nudge: a nudge ends a long wait at once", async () => {
    const nudge = new Nudge();
    const waiting = nudge.wait(60_000, new AbortController().signal);
    nudge.nudge();
    await waiting;
  });

  it("nudge: a nudge while no wait is pending shortens the next wait to the fast interval", async () => {
    const nudge = new Nudge();
    nudge.nudge();
    const started = Date.now();
    await nudge.wait(60_000, new AbortController().signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("nudge: abort ends a wait", async () => {
    const ctl = new AbortController();
    const waiting = new Nudge().wait(60_000, ctl.signal);
    ctl.abort();
    await waiting;
  });

  it("pollHealth: healthy once /health turns 200, timeout when it never does, aborted on abort", async () => {
    const up = await startFakeUpstream({ startupDelayMs: 150 });
    const never = await startFakeUpstream({ neverHealthy: true });
    try {
      const signal = new AbortController().signal;
      expect(await pollHealth(`${up.url}/health`, 10_000, signal)).toBe("healthy");
      expect(up.stats().received).toBe(0);
      expect(await pollHealth(`${never.url}/health`, 300, signal)).toBe("timeout");
      const ctl = new AbortController();
      const aborted = pollHealth(`${never.url}/health`, 60_000, ctl.signal);
      ctl.abort();
      expect(await aborted).toBe("aborted");
    } finally {
      await up.close();
      await never.close();
    }
  });
});
