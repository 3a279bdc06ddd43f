import { describe, expect, it } from "vitest";
import { requestOf } from "../src/queue.ts";
import { config, Driver, everythingFits, fifo, model, of } from "./step-support.ts";

const abc = () => [
  model("a", { concurrencyLimit: 2 }),
  model("b", { concurrencyLimit: 2 }),
  model("c", { concurrencyLimit: 2 }),
];

describe("step: fifo scheduler", () => {
  it("step: A B C A B C arriving together costs 3 swaps with fifo (collation)", () => {
    const d = new Driver(config(abc()));
    for (const [i, m] of ["a", "b", "c", "a", "b", "c"].entries()) d.arrive(`r${i}`, m);
    const order = d.autopilot();
    expect(d.count("startProcess")).toBe(3);
    expect(order).toEqual(["r0", "r3", "r1", "r4", "r2", "r5"]);
  });

  it("step: collation holds at concurrency limit 1 too", () => {
    const d = new Driver(config([model("a"), model("b"), model("c")]));
    for (const [i, m] of ["a", "b", "c", "a", "b", "c"].entries()) d.arrive(`r${i}`, m);
    d.autopilot();
    expect(d.count("startProcess")).toBe(3);
  });

  it("step: a swap waits while the evictee serves, then stops it and starts the target", () => {
    const d = new Driver(config(abc()));
    d.arrive("a1", "a");
    d.ready("a");
    const waiting = d.arrive("b1", "b");
    expect(of(waiting, "stopProcess")).toEqual([]);
    const drained = d.finish("a1");
    expect(of(drained, "stopProcess")).toEqual([
      { type: "stopProcess", model: "a", instance: 1, timeoutMs: 5000, reason: "evict" },
    ]);
    expect(d.phase("b")).toBe("pending");
    expect(of(drained, "startProcess")).toEqual([]);
    expect(of(d.stopped("a"), "startProcess")).toEqual([{ type: "startProcess", model: "b", instance: 2 }]);
  });

  it("step: priority orders grants ahead of arrival", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("first", "a");
    d.ready("a");
    d.arrive("low", "a");
    d.arrive("high", "a", d.now, 5);
    expect(of(d.finish("first"), "grant").map((g) => g.requestId)).toEqual(["high"]);
  });

  it("step: model priority is used when the request has none", () => {
    const d = new Driver(config([model("a"), model("b"), model("c", { priority: 3 })]));
    d.arrive("a1", "a");
    d.ready("a");
    d.arrive("b1", "b");
    d.arrive("c1", "c");
    d.finish("a1");
    expect(d.phase("c")).toBe("pending");
    expect(d.phase("b")).toBe("stopped");
  });

  it("step: later requests for the loaded model bypass a waiting swap and count as bypasses", () => {
    const d = new Driver(config(abc()));
    d.arrive("a1", "a");
    d.ready("a");
    d.arrive("b1", "b");
    d.arrive("a2", "a");
    d.finish("a1");
    d.arrive("a3", "a");
    expect(requestOf(d.state, "b1")?.bypassed).toBe(2);
    expect(d.phase("b")).toBe("stopped");
  });

  it("step: starvation bound forces the swap once the head was passed over maxBypass times", () => {
    const cfg = config(abc(), { scheduler: { ...fifo, maxBypass: 2 } });
    const d = new Driver(cfg);
    d.arrive("a1", "a");
    d.ready("a");
    d.arrive("b1", "b");
    d.arrive("a2", "a");
    expect(requestOf(d.state, "b1")?.bypassed).toBe(1);
    expect(d.phase("b")).toBe("stopped");
    d.finish("a1");
    // The second pass-over reaches the bound: b's swap is forced in the same step, a drains.
    d.arrive("a3", "a");
    expect(requestOf(d.state, "b1")?.bypassed).toBe(2);
    expect(d.phase("b")).toBe("pending");
    expect(d.state.models.a?.draining).toBe(true);
    // No more grants pass b1 over: a4 waits although a has a free slot.
    expect(of(d.arrive("a4", "a"), "grant")).toEqual([]);
    d.finish("a2");
    expect(of(d.finish("a3"), "stopProcess").map((s) => s.model)).toEqual(["a"]);
    expect(of(d.stopped("a"), "startProcess").map((s) => s.model)).toEqual(["b"]);
    expect(of(d.ready("b"), "grant").map((g) => g.requestId)).toEqual(["b1"]);
    expect(requestOf(d.state, "b1")).toMatchObject({ status: "granted", bypassed: 2 });
  });

  it("step: a batch of grants stops when the head of the line reaches the bound", () => {
    const cfg = config([model("a", { concurrencyLimit: 3 }), model("b")], {
      scheduler: { ...fifo, maxBypass: 1 },
    });
    const d = new Driver(cfg);
    d.arrive("a1", "a");
    d.arrive("b1", "b");
    d.arrive("a2", "a");
    d.arrive("a3", "a");
    // a becomes ready with a1 (older than b1) and a2, a3 (younger) waiting: only one may pass b1.
    const ready = d.ready("a");
    expect(of(ready, "grant").map((g) => g.requestId)).toEqual(["a1", "a2"]);
    expect(d.phase("b")).toBe("pending");
  });

  it("step: a request older than the starving head is still granted", () => {
    const cfg = config(abc(), { scheduler: { ...fifo, maxWaitMs: 100 } });
    const d = new Driver(cfg);
    d.arrive("a1", "a", 0);
    d.arrive("b1", "b", 10);
    d.tick(200);
    // b1 starves, but a1 is older: a must serve it before b's swap may evict a.
    expect(d.phase("b")).toBe("stopped");
    expect(of(d.ready("a", 200), "grant").map((g) => g.requestId)).toEqual(["a1"]);
    expect(d.phase("b")).toBe("pending");
  });

  it("step: starvation bound forces the swap after maxWaitMs, woken by a tick", () => {
    const cfg = config(abc(), { scheduler: { ...fifo, maxWaitMs: 1000 } });
    const d = new Driver(cfg);
    d.arrive("a1", "a", 0);
    d.ready("a", 0);
    const queued = d.arrive("b1", "b", 10);
    expect(of(queued, "wakeAt")).toEqual([{ type: "wakeAt", at: 1010 }]);
    d.arrive("a2", "a", 20);
    expect(d.phase("b")).toBe("stopped");
    d.tick(1010);
    expect(d.phase("b")).toBe("pending");
    expect(d.state.models.a?.draining).toBe(true);
  });

  it("step: several swaps proceed at once when the planner allows", () => {
    const d = new Driver(config(abc()), everythingFits);
    d.arrive("a1", "a");
    d.arrive("b1", "b");
    d.arrive("c1", "c");
    expect(d.count("startProcess")).toBe(3);
    expect(["a", "b", "c"].map((m) => d.phase(m))).toEqual(["starting", "starting", "starting"]);
  });
});
