/**
 * The conformance suite every scheduler runs (hono's habit): a new scheduler is done when
 * it passes. It checks the Scheduler contract directly and drives whole traces through
 * `step` with both tiny planners, asserting liveness and the request/answer contract.
 */

import { describe, expect, it } from "vitest";
import type { SchedulerConfig } from "../src/config.ts";
import { grantedRecords } from "../src/granted.ts";
import type { PlannerFactory } from "../src/planner.ts";
import { requestOf } from "../src/queue.ts";
import { createScheduler } from "../src/schedulers/index.ts";
import { config, Driver, everythingFits, fifo, model, oneAtATime, serial } from "./step-support.ts";

const schedulers: [string, SchedulerConfig][] = [
  ["fifo", fifo],
  ["fifo with starvation bound", { kind: "fifo", maxBypass: 2, maxWaitMs: 50 }],
  ["serial", serial],
];
const planners: [string, PlannerFactory][] = [
  ["one at a time", oneAtATime],
  ["everything fits", everythingFits],
];
const models = () => [
  model("a", { concurrencyLimit: 2 }),
  model("b", { concurrencyLimit: 1, priority: 1 }),
  model("c", { concurrencyLimit: 3 }),
];

/** A deterministic trace: which model each request asks for. */
function trace(seed: number, length: number): string[] {
  let x = seed;
  return Array.from({ length }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return ["a", "b", "c"][x % 3] ?? "a";
  });
}

describe.each(schedulers)("scheduler conformance: %s", (_name, scheduler) => {
  describe.each(planners)("with planner %s", (_p, planner) => {
    it("step: every request in a mixed trace is granted exactly once and the queue empties", () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const d = new Driver(config(models(), { scheduler }), planner);
        const asks = trace(seed, 12);
        for (const [i, m] of asks.entries()) d.arrive(`r${i}`, m, i);
        const granted = d.autopilot();
        expect([...granted].sort()).toEqual(asks.map((_m, i) => `r${i}`).sort());
        expect(d.state.queue).toEqual([]);
        expect(d.count("reject")).toBe(0);
      }
    });

    it("step: requests for one model with equal priority are granted in arrival order", () => {
      const d = new Driver(config(models(), { scheduler }), planner);
      for (const [i, m] of trace(7, 15).entries()) d.arrive(`r${i}`, m, i);
      const granted = d.autopilot();
      for (const m of ["a", "b", "c"]) {
        const mine = granted.filter((id) =>
          d.log.some((e) => e.type === "grant" && e.requestId === id && e.model === m),
        );
        expect(mine).toEqual([...mine].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))));
      }
    });

    it("step: grants arriving interleaved with answers keep every invariant", () => {
      const d = new Driver(config(models(), { scheduler }), planner);
      trace(11, 20).forEach((m, i) => {
        d.arrive(`r${i}`, m, i * 10);
        if (i % 3 === 2) d.autopilot();
      });
      d.autopilot();
      expect(d.state.queue).toEqual([]);
      expect(Object.values(d.state.models).every((m) => m.inFlight === 0)).toBe(true);
      expect(grantedRecords(d.state.granted)).toEqual([]);
    });
  });

  it("scheduler: order lists every queued request once and positions follow it", () => {
    const d = new Driver(config(models(), { scheduler }));
    for (const [i, m] of trace(3, 8).entries()) d.arrive(`r${i}`, m, i);
    const order = createScheduler(scheduler).order(d.state);
    expect(order.map((r) => r.id).sort()).toEqual(d.state.queue.map((r) => r.id).sort());
    for (const [i, r] of order.entries()) expect(requestOf(d.state, r.id)?.reported?.position).toBe(i);
  });

  it("scheduler: swap candidates are never resident and nextGrant only names a grantable model", () => {
    const d = new Driver(config(models(), { scheduler }));
    for (const [i, m] of trace(9, 8).entries()) d.arrive(`r${i}`, m, i);
    d.ready(d.log.find((e) => e.type === "startProcess")?.model ?? "a");
    const s = createScheduler(scheduler);
    for (const c of s.swapCandidates(d.state)) {
      expect(["stopped", "failed"]).toContain(d.state.models[c.model]?.phase);
    }
    // After a step every grant the scheduler wants has been made.
    expect(s.nextGrant(d.state)).toBeNull();
  });

  it("scheduler: a deadline is always in the future", () => {
    const d = new Driver(config(models(), { scheduler }));
    for (const [i, m] of trace(5, 6).entries()) d.arrive(`r${i}`, m, i);
    const at = createScheduler(scheduler).deadline(d.state);
    expect(at === null || at > d.state.now).toBe(true);
  });

  it("step: shutdown mid-trace answers everything and completes exactly once", () => {
    const d = new Driver(config(models(), { scheduler }));
    for (const [i, m] of trace(13, 9).entries()) d.arrive(`r${i}`, m, i);
    d.send({ type: "shutdownRequested", force: false, at: 100 });
    d.autopilot();
    const answered = d.log.filter((e) => e.type === "grant" || e.type === "reject").length;
    expect(answered).toBe(9);
    expect(d.count("shutdownComplete")).toBe(1);
  });
});
