/** Counterexamples found by randomised runs, kept as named regression tests. */
import { describe, expect, it } from "vitest";
import { config, Driver, fifo, model, of } from "./step-support.ts";

describe("step: regressions", () => {
  it("step: a younger starving request does not evict the swap an older request waits on", () => {
    const d = new Driver(config([model("c"), model("d")], { scheduler: { ...fifo, maxWaitMs: 100 } }));
    d.arrive("c1", "c", 0);
    d.ready("c", 0);
    d.arrive("rd", "d", 10);
    d.tick(110);
    expect(d.phase("d")).toBe("pending");
    d.arrive("rc", "c", 120);
    expect(of(d.finish("c1", 130), "stopProcess").map((s) => s.model)).toEqual(["c"]);
    // rc has waited past maxWaitMs, but rd is older: d must start, not be evicted by c.
    const stopped = d.stopped("c", 300);
    expect(of(stopped, "startProcess").map((s) => s.model)).toEqual(["d"]);
    expect(d.phase("c")).toBe("stopped");
    d.autopilot();
    expect(d.state.queue).toEqual([]);
    expect(d.count("startProcess")).toBe(3);
  });

  it("step: a model removed and added back while draining stays known and serves again", () => {
    const cfg = config([model("a"), model("b")]);
    const d = new Driver(cfg);
    d.arrive("a1", "a");
    d.ready("a");
    d.send({ type: "configReplaced", config: config([model("b")]), changed: [], at: 1 });
    d.send({ type: "configReplaced", config: cfg, changed: [], at: 2 });
    expect(of(d.arrive("a2", "a"), "grant")).toEqual([]);
    d.finish("a1");
    expect(of(d.stopped("a"), "startProcess").map((s) => s.model)).toEqual(["a"]);
    expect(of(d.ready("a"), "grant").map((g) => g.requestId)).toEqual(["a2"]);
  });

  it("step: a pending model does not wait for an evictee that was loaded again alongside it", () => {
    const six = { memory: { gpu: 6 } };
    const cfg = config([model("a", six), model("b", six), model("c", six)], {
      planner: { kind: "memory" },
      devices: { gpu: 12 },
    });
    const d = new Driver(cfg, "real");
    d.arrive("b1", "b", 0);
    d.ready("b", 0);
    d.finish("b1", 1);
    d.arrive("c1", "c", 2);
    d.ready("c", 2);
    d.finish("c1", 3);
    // a evicts b (least recently used); b is asked for again while it stops.
    expect(of(d.arrive("a1", "a", 4), "stopProcess").map((s) => s.model)).toEqual(["b"]);
    d.arrive("b2", "b", 5);
    // b comes back by evicting c; a must start now rather than wait for b to go again.
    const stopped = d.stopped("b", 6);
    expect(of(stopped, "startProcess").map((s) => s.model)).toEqual(["a"]);
    d.autopilot();
    expect(d.state.queue).toEqual([]);
  });

  it("step: a reload that forbids a model already draining or stopping keeps the invariants", () => {
    const cfg = config([model("a"), model("b")], {
      planner: { kind: "memory" },
      scheduler: { ...fifo, maxWaitMs: 100 },
    });
    const d = new Driver(cfg, "real");
    d.arrive("r1", "a", 0);
    d.ready("a", 0);
    d.arrive("r2", "b", 0);
    d.send({ type: "shutdownRequested", force: false, at: 1 });
    const tight = config([model("a", { memory: { gpu: 150 } }), model("b")], {
      planner: { kind: "memory" },
      devices: { gpu: 100 },
    });
    // a still serves r1 (draining for shutdown) and can never fit under the new config.
    d.send({ type: "configReplaced", config: tight, changed: [], at: 2 });
    expect(d.state.models.a?.stopReason).toBe("reload");
    d.autopilot();
    expect(d.count("shutdownComplete")).toBe(1);
  });
});
