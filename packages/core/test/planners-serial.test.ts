import { describe, expect, it } from "vitest";
import { createPlanner } from "../src/index.ts";
import { describePlannerConformance } from "./planner-conformance.ts";
import { config, model, res } from "./planner-fixtures.ts";

const serial = () => config({ kind: "serial" }, ["a", "b", "c", "d"]);

describePlannerConformance("serial", serial);
describePlannerConformance("serial with device budgets", () =>
  config({ kind: "serial" }, [model("a", { gpu: 10 }), model("b", { gpu: 30 }), "c"], { gpu: 20 }),
);

describe("planners/serial", () => {
  it("serial: starting a model evicts every other running model, busy or not, in config order", () => {
    const planner = createPlanner(serial());
    const result = planner.plan("a", [res("d"), res("b", { busy: true }), res("c", { phase: "starting" })]);
    expect(result).toEqual({ ok: true, evict: ["b", "c", "d"] });
  });

  it("serial: a stopping model is not evicted again", () => {
    const planner = createPlanner(serial());
    expect(planner.plan("a", [res("b", { phase: "stopping" }), res("c")])).toEqual({
      ok: true,
      evict: ["c"],
    });
  });

  it("serial: allows at most one distinct model", () => {
    const planner = createPlanner(serial());
    expect(planner.allows([])).toBe(true);
    expect(planner.allows(["a"])).toBe(true);
    expect(planner.allows(["a", "a"])).toBe(true);
    expect(planner.allows(["a", "b"])).toBe(false);
  });

  it("serial: ignores groups but still refuses a model larger than its device", () => {
    const planner = createPlanner(
      config({ kind: "serial" }, [model("big", { gpu: 30 }), model("small", { gpu: 5 })], { gpu: 20 }),
    );
    const refused = planner.plan("big", []);
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.message).toBe("model 'big' needs 30 on device 'gpu', which holds only 20");
    expect(planner.plan("small", [res("other")])).toEqual({ ok: true, evict: ["other"] });
  });
});
