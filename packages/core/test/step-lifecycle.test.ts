import { describe, expect, it } from "vitest";
import { allRequests, requestOf } from "../src/queue.ts";
import { config, Driver, everythingFits, model, of, rejections } from "./step-support.ts";

describe("step: model lifecycle", () => {
  it("step: a request for a stopped model starts it and waits with a queue position", () => {
    const d = new Driver(config([model("a")]));
    const effects = d.arrive("r1", "a");
    expect(of(effects, "startProcess")).toEqual([{ type: "startProcess", model: "a", instance: 1 }]);
    expect(of(effects, "queuePosition")).toEqual([
      { type: "queuePosition", requestId: "r1", model: "a", position: 0, loading: true },
    ]);
    expect(d.phase("a")).toBe("starting");
    expect(of(effects, "grant")).toEqual([]);
  });

  it("step: queued request is granted after processReady", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    const effects = d.ready("a");
    expect(of(effects, "grant")).toEqual([{ type: "grant", requestId: "r1", model: "a", instance: 1 }]);
    expect(d.state.models.a?.inFlight).toBe(1);
    expect(d.inFlightIds("a")).toEqual(["r1"]);
    expect(d.state.queue).toEqual([]);
  });

  it("step: a request for a ready model under its limit is granted in the same step", () => {
    const d = new Driver(config([model("a", { concurrencyLimit: 2 })]));
    d.arrive("r1", "a");
    d.ready("a");
    const effects = d.arrive("r2", "a");
    expect(of(effects, "grant").map((g) => g.requestId)).toEqual(["r2"]);
    expect(d.state.models.a?.inFlight).toBe(2);
    expect(d.inFlightIds("a")).toEqual(["r1", "r2"]);
  });

  it("step: at the concurrency limit a request waits in queue mode and is granted when a slot frees", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    expect(of(d.arrive("r2", "a"), "grant")).toEqual([]);
    expect(of(d.finish("r1"), "grant").map((g) => g.requestId)).toEqual(["r2"]);
  });

  it("step: at the concurrency limit a request is rejected CONCURRENCY_LIMIT in reject mode", () => {
    const d = new Driver(config([model("a")], { onConcurrencyLimit: "reject" }));
    d.arrive("r1", "a");
    d.ready("a");
    expect(rejections(d.arrive("r2", "a"))).toEqual({ r2: "CONCURRENCY_LIMIT" });
  });

  it("step: unknown model, duplicate id, never-fitting model and a full queue are rejected", () => {
    const d = new Driver(config([model("a"), model("huge")], { maxQueueLength: 1 }), everythingFits);
    d.arrive("r1", "a");
    expect(rejections(d.arrive("r2", "nope"))).toEqual({ r2: "UNKNOWN_MODEL" });
    expect(rejections(d.arrive("r1", "a"))).toEqual({ r1: "DUPLICATE_REQUEST" });
    expect(rejections(d.arrive("r3", "huge"))).toEqual({ r3: "NEVER_FITS" });
    expect(rejections(d.arrive("r4", "a"))).toEqual({ r4: "QUEUE_FULL" });
    expect(allRequests(d.state).map((r) => r.id)).toEqual(["r1"]);
  });

  it("step: a granted request never counts against the queue limit", () => {
    const d = new Driver(config([model("a", { concurrencyLimit: 3 })], { maxQueueLength: 1 }));
    d.arrive("r1", "a");
    d.ready("a");
    expect(of(d.arrive("r2", "a"), "grant")).toHaveLength(1);
    expect(of(d.arrive("r3", "a"), "grant")).toHaveLength(1);
  });

  it("step: start failure rejects the waiters with START_FAILED and a later request retries", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.arrive("r2", "a");
    const failed = d.send({ type: "processStartFailed", model: "a", instance: 1, at: 1, message: "boom" });
    expect(rejections(failed)).toEqual({ r1: "START_FAILED", r2: "START_FAILED" });
    expect(d.phase("a")).toBe("failed");
    expect(of(d.arrive("r3", "a"), "startProcess")).toEqual([
      { type: "startProcess", model: "a", instance: 2 },
    ]);
  });

  it("step: exit while starting rejects waiters with START_FAILED", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    const exited = d.send({ type: "processExited", model: "a", instance: 1, at: 1, message: "exit 1" });
    expect(rejections(exited)).toEqual({ r1: "START_FAILED" });
  });

  it("step: events with a stale instance are ignored", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.send({ type: "processStartFailed", model: "a", instance: 1, at: 1, message: "boom" });
    d.arrive("r2", "a");
    const before = d.state;
    for (const type of ["processReady", "processExited", "processStopped"] as const) {
      const effects = d.send({ type, model: "a", instance: 1, at: 2, message: "old" });
      expect(effects).toEqual([]);
    }
    expect(d.state.models).toEqual(before.models);
    expect(of(d.ready("a"), "grant").map((g) => g.requestId)).toEqual(["r2"]);
  });

  it("step: a crash while ready stops the model, keeps in-flight requests live and restarts for queued ones", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.arrive("r2", "a");
    const crash = d.send({ type: "processExited", model: "a", instance: 1, at: 5, message: "segfault" });
    expect(of(crash, "startProcess")).toEqual([{ type: "startProcess", model: "a", instance: 2 }]);
    expect(of(crash, "reject")).toEqual([]);
    expect(requestOf(d.state, "r1")?.status).toBe("granted");
    // Live, but no longer counted: its process is gone (the restart is a new instance).
    expect(requestOf(d.state, "r1")?.instance).toBe(1);
    expect(d.state.models.a?.inFlight).toBe(0);
    expect(d.inFlightIds("a")).toEqual([]);
    d.finish("r1");
    expect(requestOf(d.state, "r1")).toBeUndefined();
    expect(of(d.ready("a"), "grant").map((g) => g.requestId)).toEqual(["r2"]);
  });

  it("step: a crash with nothing queued leaves the model stopped", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.finish("r1");
    const crash = d.send({ type: "processExited", model: "a", instance: 1, at: 5, message: "bye" });
    expect(crash.filter((e) => e.type !== "wakeAt")).toEqual([]);
    expect(d.phase("a")).toBe("stopped");
  });
});
