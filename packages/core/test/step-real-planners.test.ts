/** The exported `step` with the real planners chosen by the config. */
import { describe, expect, it } from "vitest";
import { checkInvariants, initialState, step } from "../src/index.ts";
import { config, Driver, model } from "./step-support.ts";

describe("step: with the configured planner", () => {
  it("step: the serial planner runs one model at a time (A B C A B C = 3 starts with fifo)", () => {
    const d = new Driver(
      config([model("a"), model("b"), model("c")], { planner: { kind: "serial" } }),
      "real",
    );
    for (const [i, m] of ["a", "b", "c", "a", "b", "c"].entries()) d.arrive(`r${i}`, m);
    d.autopilot();
    expect(d.count("startProcess")).toBe(3);
  });

  it("step: the memory planner lets models that fit together load at once and swaps the rest", () => {
    const cfg = config(
      [
        model("a", { memory: { gpu: 6 } }),
        model("b", { memory: { gpu: 6 } }),
        model("c", { memory: { gpu: 8 } }),
      ],
      { planner: { kind: "memory" }, devices: { gpu: 12 } },
    );
    const d = new Driver(cfg, "real");
    d.arrive("r1", "a");
    d.arrive("r2", "b");
    expect(d.count("startProcess")).toBe(2);
    d.arrive("r3", "c");
    d.autopilot();
    expect(d.count("startProcess")).toBe(3);
    expect(d.count("grant")).toBe(3);
  });

  it("step: groups with swap run one member at a time", () => {
    const cfg = config([model("a"), model("b")], {
      planner: {
        kind: "groups",
        groups: [{ id: "g", swap: true, exclusive: false, persistent: false, members: ["a", "b"] }],
      },
    });
    const d = new Driver(cfg, "real");
    d.arrive("r1", "a");
    d.arrive("r2", "b");
    expect(d.count("startProcess")).toBe(1);
    d.autopilot();
    expect(d.count("startProcess")).toBe(2);
  });

  it("step: the state is plain JSON and stepping never mutates its input", () => {
    const s0 = initialState(config([model("a")]));
    const snapshot = JSON.stringify(s0);
    const { state } = step(s0, { type: "requestArrived", id: "r1", model: "a", at: 0 });
    expect(JSON.stringify(s0)).toBe(snapshot);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(checkInvariants(state)).toEqual([]);
  });
});
