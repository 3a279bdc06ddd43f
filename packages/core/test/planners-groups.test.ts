import { describe, expect, it } from "vitest";
import { createPlanner } from "../src/index.ts";
import { describePlannerConformance } from "./planner-conformance.ts";
import { config, exampleGroupsConfig, group, model, res } from "./planner-fixtures.ts";

const FOREVER = ["forever-modelA", "forever-modelB", "forever-modelc"];

describePlannerConformance("groups: llama-swap example", () => exampleGroupsConfig());
describePlannerConformance("groups: none configured (default group only)", () =>
  config({ kind: "groups", groups: [] }, ["a", "b", "c"]),
);
describePlannerConformance("groups: persistent swap group beside an exclusive one", () =>
  config(
    {
      kind: "groups",
      groups: [
        group("keep", ["k1", "k2"], { persistent: true }),
        group("main", ["m1", "m2"], { swap: false }),
      ],
    },
    ["k1", "k2", "m1", "m2", "x"],
  ),
);

describe("planners/groups", () => {
  const example = createPlanner(exampleGroupsConfig());

  it("groups: with no groups exactly one model runs at a time (llama-swap's default)", () => {
    const planner = createPlanner(config({ kind: "groups", groups: [] }, ["a", "b", "c"]));
    expect(planner.plan("a", [res("c"), res("b")])).toEqual({ ok: true, evict: ["b", "c"] });
    expect(planner.allows(["a", "b"])).toBe(false);
    expect(planner.allows(["a"])).toBe(true);
  });

  it("groups: a swap group member replaces the running member of its own group", () => {
    expect(example.plan("llama", [res("qwen-unlisted")])).toEqual({ ok: true, evict: ["qwen-unlisted"] });
    expect(example.allows(["llama", "qwen-unlisted"])).toBe(false);
  });

  it("groups: an exclusive group evicts other groups' members but never a persistent group's", () => {
    const resident = [res("modelA"), res("docker-llama"), res("loner1"), ...FOREVER.map((id) => res(id))];
    expect(example.plan("llama", resident)).toEqual({
      ok: true,
      evict: ["docker-llama", "modelA", "loner1"],
    });
  });

  it("groups: a non-exclusive, non-swap group loads beside everything else", () => {
    const resident = [res("llama"), res("docker-llama"), res("modelB"), res("forever-modelA")];
    expect(example.plan("modelA", resident)).toEqual({ ok: true, evict: [] });
    expect(example.allows(["llama", "docker-llama", "modelA", "modelB", "forever-modelA"])).toBe(true);
  });

  it("groups: loading a persistent group's member leaves other groups running", () => {
    const resident = [res("llama"), res("modelA"), res("forever-modelB")];
    expect(example.plan("forever-modelA", resident)).toEqual({ ok: true, evict: [] });
  });

  it("groups: ungrouped models form an exclusive swap group that spares persistent groups", () => {
    const resident = [res("loner2"), res("llama"), res("modelB"), res("forever-modelc")];
    expect(example.plan("loner1", resident)).toEqual({ ok: true, evict: ["llama", "modelB", "loner2"] });
    expect(example.allows(["loner1", "loner2"])).toBe(false);
  });

  it("groups: a persistent swap group still swaps among its own members", () => {
    const planner = createPlanner(
      config({ kind: "groups", groups: [group("keep", ["k1", "k2"], { persistent: true })] }, [
        "k1",
        "k2",
        "x",
      ]),
    );
    expect(planner.plan("k1", [res("k2"), res("x")])).toEqual({ ok: true, evict: ["k2", "x"] });
    expect(planner.plan("x", [res("k1")])).toEqual({ ok: true, evict: [] });
  });

  it("groups: busy members are evicted too (the rules leave no choice), stopping ones are not listed", () => {
    const resident = [res("qwen-unlisted", { busy: true }), res("modelA", { phase: "stopping" })];
    expect(example.plan("llama", resident)).toEqual({ ok: true, evict: ["qwen-unlisted"] });
  });

  it("groups: exclusivity is an action rule, so a set an exclusive member joined later is allowed", () => {
    // modelA (non-exclusive) may start while llama runs; allows() must not reject the result.
    expect(example.allows(["llama", "modelA"])).toBe(true);
  });

  it("groups: device budgets on top evict beyond the group rules, least recently used first", () => {
    const planner = createPlanner(
      config(
        { kind: "groups", groups: [group("free", ["a", "b", "c"], { swap: false, exclusive: false })] },
        [model("a", { gpu: 10 }), model("b", { gpu: 10 }), model("c", { gpu: 10 })],
        { gpu: 20 },
      ),
    );
    const resident = [res("a", { lastUsedAt: 5 }), res("b", { lastUsedAt: 3 })];
    expect(planner.plan("c", resident)).toEqual({ ok: true, evict: ["b"] });
    expect(planner.allows(["a", "b", "c"])).toBe(false);
  });
});
