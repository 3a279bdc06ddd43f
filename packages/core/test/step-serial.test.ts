import { describe, expect, it } from "vitest";
import { config, Driver, everythingFits, model, of, serial } from "./step-support.ts";

const abc = () => [
  model("a", { concurrencyLimit: 4 }),
  model("b", { concurrencyLimit: 4 }),
  model("c", { concurrencyLimit: 4 }),
];

describe("step: serial scheduler", () => {
  it("step: A B C A costs 4 starts with serial, served in arrival order", () => {
    const d = new Driver(config(abc(), { scheduler: serial }));
    for (const [i, m] of ["a", "b", "c", "a"].entries()) d.arrive(`r${i}`, m);
    expect(d.autopilot()).toEqual(["r0", "r1", "r2", "r3"]);
    expect(d.count("startProcess")).toBe(4);
    expect(d.log.filter((e) => e.type === "startProcess").map((e) => e.model)).toEqual(["a", "b", "c", "a"]);
  });

  it("step: serial grants one request at a time even when the model could take more", () => {
    const d = new Driver(config(abc(), { scheduler: serial }));
    d.arrive("r1", "a");
    d.ready("a");
    expect(of(d.arrive("r2", "a"), "grant")).toEqual([]);
    expect(of(d.finish("r1"), "grant").map((g) => g.requestId)).toEqual(["r2"]);
  });

  it("step: serial never reorders by priority", () => {
    const d = new Driver(config(abc(), { scheduler: serial }));
    d.arrive("r1", "a");
    d.ready("a");
    d.arrive("low", "a");
    d.arrive("high", "a", d.now, 9);
    expect(of(d.finish("r1"), "grant").map((g) => g.requestId)).toEqual(["low"]);
  });

  it("step: serial does not grant a loaded model's request while another model serves", () => {
    const d = new Driver(config(abc(), { scheduler: serial }), everythingFits);
    d.arrive("r1", "a");
    d.arrive("r2", "b");
    d.ready("a");
    d.ready("b");
    expect(d.state.models.b?.inFlight).toBe(0);
    expect(d.inFlightIds("b")).toEqual([]);
    expect(of(d.finish("r1"), "grant").map((g) => g.requestId)).toEqual(["r2"]);
  });
});
