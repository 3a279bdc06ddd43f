import { describe, expect, it } from "vitest";
import { config, Driver, model, of, rejections } from "./step-support.ts";

describe("step: config reload", () => {
  it("step: a removed model drains, stops, its queued requests reject UNKNOWN_MODEL, then it is forgotten", () => {
    const d = new Driver(config([model("a"), model("b")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.arrive("r2", "a");
    const next = config([model("b")]);
    const reload = d.send({ type: "configReplaced", config: next, changed: [], at: 1 });
    expect(rejections(reload)).toEqual({ r2: "UNKNOWN_MODEL" });
    expect(rejections(d.arrive("r3", "a"))).toEqual({ r3: "UNKNOWN_MODEL" });
    expect(of(d.finish("r1"), "stopProcess").map((s) => [s.model, s.reason])).toEqual([["a", "reload"]]);
    d.stopped("a");
    expect(d.state.models.a).toBeUndefined();
  });

  it("step: a changed model drains, stops with reason reload and starts again for waiting requests", () => {
    const d = new Driver(config([model("a")]));
    d.arrive("r1", "a");
    d.ready("a");
    d.arrive("r2", "a");
    const next = config([model("a", { unloadTimeoutMs: 99 })]);
    expect(
      of(d.send({ type: "configReplaced", config: next, changed: ["a"], at: 1 }), "stopProcess"),
    ).toEqual([]);
    expect(of(d.finish("r1"), "stopProcess")).toEqual([
      { type: "stopProcess", model: "a", instance: 1, timeoutMs: 99, reason: "reload" },
    ]);
    expect(of(d.stopped("a"), "startProcess")).toEqual([{ type: "startProcess", model: "a", instance: 2 }]);
    expect(of(d.ready("a"), "grant").map((g) => g.requestId)).toEqual(["r2"]);
  });

  it("step: a model added by reload can be requested", () => {
    const d = new Driver(config([model("a")]));
    d.send({ type: "configReplaced", config: config([model("a"), model("n")]), changed: [], at: 1 });
    expect(of(d.arrive("r1", "n"), "startProcess").map((s) => s.model)).toEqual(["n"]);
  });
});

describe("step: config reload of serving limits", () => {
  it("step: lowering a concurrency limit lets in-flight work finish and grants again only below it", () => {
    const d = new Driver(config([model("a", { concurrencyLimit: 3 })]));
    d.arrive("r1", "a");
    d.arrive("r2", "a");
    d.arrive("r3", "a");
    d.ready("a");
    d.send({
      type: "configReplaced",
      config: config([model("a", { concurrencyLimit: 1 })]),
      changed: [],
      at: 1,
    });
    expect(of(d.arrive("r4", "a"), "grant")).toEqual([]);
    d.finish("r1");
    expect(of(d.finish("r2"), "grant")).toEqual([]);
    expect(of(d.finish("r3"), "grant").map((g) => g.requestId)).toEqual(["r4"]);
  });
});

describe("step: config reload that forbids what runs", () => {
  it("step: models the new planner forbids together drain and stop, and requests still get served", () => {
    const together = config([model("a"), model("b")], { planner: { kind: "memory" } });
    const d = new Driver(together, "real");
    d.arrive("r1", "a");
    d.arrive("r2", "b");
    expect(d.count("startProcess")).toBe(2);
    const reload = d.send({
      type: "configReplaced",
      config: config([model("a"), model("b")]),
      changed: [],
      at: 1,
    });
    expect(of(reload, "stopProcess").map((s) => [s.model, s.reason])).toEqual([["b", "reload"]]);
    d.autopilot();
    expect(d.state.queue).toEqual([]);
    expect(d.count("grant")).toBe(2);
  });
});
