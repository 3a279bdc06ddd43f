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

  it("step: fifo bounds bypasses of a model that only a pair of residents keeps out (memory)", () => {
    // A and B fit together, C fits beside either but not beside both: no pair conflicts with
    // C, yet while A and B keep serving, C can never load. Every grant to A or B counts.
    for (const maxBypass of [1, 2, 3]) {
      const cfg = config(
        [
          model("A", { memory: { gpu: 4 } }),
          model("B", { memory: { gpu: 4 } }),
          model("C", { memory: { gpu: 6 } }),
        ],
        {
          planner: { kind: "memory" },
          devices: { gpu: 10 },
          scheduler: { ...fifo, maxBypass },
        },
      );
      const d = new Driver(cfg, "real");
      d.arrive("a0", "A", 0);
      d.ready("A", 0);
      d.arrive("b0", "B", 1);
      d.ready("B", 1);
      d.arrive("c", "C", 2);
      // A and B stay busy: each round a new request for each arrives, then the last finishes.
      let passedOver = 0;
      for (let i = 1; i <= 10 && d.phase("C") === "stopped"; i += 1) {
        for (const [next, prev, id] of [
          [`a${i}`, `a${i - 1}`, "A"],
          [`b${i}`, `b${i - 1}`, "B"],
        ] as const) {
          d.arrive(next, id, 10 * i);
          const before = d.phase("C");
          const grants = of(d.finish(prev, 10 * i + 1), "grant");
          if (before === "stopped") passedOver += grants.filter((g) => g.model !== "C").length;
        }
      }
      expect(passedOver, `maxBypass ${maxBypass}`).toBe(maxBypass);
      expect(d.state.queue.find((r) => r.id === "c")?.bypassed).toBe(maxBypass);
      // The swap was forced: C is pending and one of A, B leaves (it drains or stops now).
      expect(d.phase("C")).toBe("pending");
      const evicted = d.state.models.C?.evictees ?? [];
      expect(evicted).toHaveLength(1);
      const gone = d.state.models[evicted[0] ?? ""];
      expect(gone?.draining || gone?.phase === "stopping").toBe(true);
      expect(d.autopilot()).toContain("c");
      expect(d.state.queue).toEqual([]);
    }
  });

  it("step: a swap left pending across a reload is planned again under the new planner", () => {
    const together = {
      id: "g",
      swap: false,
      exclusive: false,
      persistent: false,
      members: ["m1", "m2", "m4"],
    };
    const three = [model("m1"), model("m2", { concurrencyLimit: 3 }), model("m4")];
    const two = three.slice(0, 2);
    const d = new Driver(config(three, { planner: { kind: "groups", groups: [together] } }), "real");
    d.arrive("r1", "m4", 0);
    d.arrive("r2", "m2", 0);
    d.send({
      type: "configReplaced",
      config: config(two, { planner: { kind: "groups", groups: [together] } }),
      changed: [],
      at: 0,
    });
    // m1 may run beside m2: it is chosen to start once the removed m4 has stopped.
    d.arrive("r3", "m1", 0);
    expect(d.phase("m1")).toBe("pending");
    d.arrive("r4", "m2", 0);
    d.arrive("r5", "m2", 0);
    // Now one model at a time: m1's swap must make m2 go, and r3 is bounded by maxBypass 1.
    const exclusive = config(two, {
      planner: { kind: "groups", groups: [] },
      scheduler: { ...fifo, maxBypass: 1 },
    });
    d.send({ type: "configReplaced", config: exclusive, changed: [], at: 0 });
    const grants = of(d.ready("m2", 0), "grant").map((g) => g.requestId);
    expect(grants).toEqual(["r2", "r4"]);
    expect(d.state.queue.find((r) => r.id === "r3")?.bypassed).toBe(1);
    expect(d.state.models.m2?.draining).toBe(true);
    const order = d.autopilot();
    expect(order.indexOf("r3")).toBeLessThan(order.indexOf("r5"));
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
