import { describe, expect, it } from "vitest";
import { grantedTable } from "../src/granted.ts";
import { requestOf } from "../src/queue.ts";
import { config, Driver, everythingFits, model, of, rejections } from "./step-support.ts";

describe("step: unload, preload, shutdown", () => {
  it("step: unload with wait rejects queued requests MODEL_UNLOADED and stops after in-flight work", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.arrive("r2", "a");
    const unload = d.send({ type: "unloadRequested", models: ["a"], wait: true, at: 1 });
    expect(rejections(unload)).toEqual({ r2: "MODEL_UNLOADED" });
    expect(of(unload, "stopProcess")).toEqual([]);
    expect(d.state.models.a?.draining).toBe(true);
    expect(of(d.finish("r1"), "stopProcess")).toEqual([
      { type: "stopProcess", model: "a", instance: 1, timeoutMs: 5000, reason: "unload" },
    ]);
    d.stopped("a");
    expect(d.phase("a")).toBe("stopped");
  });

  it("step: unload without wait stops at once with requests in flight (a forced stop)", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    const unload = d.send({ type: "unloadRequested", models: "all", wait: false, at: 1 });
    expect(of(unload, "stopProcess").map((s) => s.reason)).toEqual(["unload"]);
    expect(d.state.models.a?.forcedStop).toBe(true);
    d.stopped("a");
    expect(d.state.models.a?.inFlight).toBe(0);
    expect(d.inFlightIds("a")).toEqual([]);
    expect(requestOf(d.state, "r1")?.status).toBe("granted");
    d.finish("r1");
    expect(d.state.granted).toEqual(grantedTable([]));
  });

  it("step: a request arriving while its model drains for unload waits and restarts it", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.send({ type: "unloadRequested", models: ["a"], wait: true, at: 1 });
    expect(of(d.arrive("r2", "a"), "grant")).toEqual([]);
    d.finish("r1");
    expect(of(d.stopped("a"), "startProcess").map((s) => s.instance)).toEqual([2]);
  });

  it("step: preload starts a model through the planner without a request", () => {
    const d = new Driver(config([model("a"), model("b")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.finish("r1");
    const pre = d.send({ type: "preloadRequested", models: ["b"], at: 1 });
    expect(of(pre, "stopProcess").map((s) => [s.model, s.reason])).toEqual([["a", "evict"]]);
    expect(of(d.stopped("a"), "startProcess").map((s) => s.model)).toEqual(["b"]);
    d.ready("b");
    expect(d.state.preloads).toEqual([]);
  });

  it("step: shutdown rejects queued requests, stops idle models, and completes once in the last step", () => {
    const d = new Driver(config([model("a"), model("b")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.arrive("r2", "b");
    const shut = d.send({ type: "shutdownRequested", force: false, at: 1 });
    expect(rejections(shut)).toEqual({ r2: "SHUTTING_DOWN" });
    expect(of(shut, "stopProcess")).toEqual([]);
    expect(rejections(d.arrive("r3", "a"))).toEqual({ r3: "SHUTTING_DOWN" });
    expect(of(d.finish("r1"), "stopProcess").map((s) => s.reason)).toEqual(["shutdown"]);
    expect(of(d.stopped("a"), "shutdownComplete")).toHaveLength(1);
    expect(of(d.tick(100), "shutdownComplete")).toHaveLength(0);
    expect(d.count("shutdownComplete")).toBe(1);
  });

  it("step: forced shutdown stops serving models at once", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    const shut = d.send({ type: "shutdownRequested", force: true, at: 1 });
    expect(of(shut, "stopProcess").map((s) => s.reason)).toEqual(["shutdown"]);
    expect(of(d.stopped("a"), "shutdownComplete")).toHaveLength(1);
  });

  it("step: shutdown with every model stopped completes in the same step", () => {
    const d = new Driver(config([model("a")]));
    expect(d.send({ type: "shutdownRequested", force: false, at: 0 })).toEqual([
      { type: "shutdownComplete" },
    ]);
  });

  it("step: shutdown stops a starting model and starts nothing more", () => {
    const d = new Driver(config([model("a"), model("b")]), everythingFits);
    d.arrive("r1", "a");
    const shut = d.send({ type: "shutdownRequested", force: false, at: 1 });
    expect(rejections(shut)).toEqual({ r1: "SHUTTING_DOWN" });
    expect(of(shut, "stopProcess").map((s) => s.model)).toEqual(["a"]);
    expect(d.send({ type: "preloadRequested", models: ["b"], at: 2 })).toEqual([]);
    expect(of(d.stopped("a"), "shutdownComplete")).toHaveLength(1);
  });
});

describe("step: cancellation and queue positions", () => {
  it("step: cancelling a queued request removes it silently; cancelling a granted one frees its slot", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.arrive("r2", "a");
    d.arrive("r3", "a");
    const cancel = d.send({ type: "requestCancelled", id: "r2", at: 1 });
    expect(of(cancel, "reject")).toEqual([]);
    expect(of(cancel, "queuePosition")).toEqual([
      { type: "queuePosition", requestId: "r3", model: "a", position: 1, loading: true },
    ]);
    d.ready("a");
    expect(
      of(d.send({ type: "requestCancelled", id: "r1", at: 2 }), "grant").map((g) => g.requestId),
    ).toEqual(["r3"]);
  });

  it("step: serveFinished and cancel for unknown ids are ignored", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    const before = d.state;
    expect(d.send({ type: "serveFinished", id: "zz", at: 0 })).toEqual([]);
    expect(d.send({ type: "requestCancelled", id: "zz", at: 0 })).toEqual([]);
    expect(d.send({ type: "serveFinished", id: "r1", at: 0 })).toEqual([]);
    expect(d.state).toEqual(before);
  });

  it("step: queue positions are reported only when they change", () => {
    const d = new Driver(config([model("a"), model("b")]));
    d.arrive("r1", "a");
    expect(of(d.arrive("r2", "b"), "queuePosition")).toEqual([
      { type: "queuePosition", requestId: "r2", model: "b", position: 1, loading: false },
    ]);
    expect(of(d.tick(1), "queuePosition")).toEqual([]);
    expect(of(d.ready("a"), "queuePosition")).toEqual([
      { type: "queuePosition", requestId: "r2", model: "b", position: 0, loading: false },
    ]);
  });

  it("step: every request gets exactly one grant or one reject", () => {
    const d = new Driver(config([model("a"), model("b"), model("c")], { maxQueueLength: 3 }));
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      ids.push(`r${i}`);
      d.arrive(`r${i}`, ["a", "b", "c"][i % 3] ?? "a");
    }
    d.autopilot();
    const answers = d.log.flatMap((e) => (e.type === "grant" || e.type === "reject" ? [e.requestId] : []));
    expect([...answers].sort()).toEqual([...ids].sort());
  });
});
