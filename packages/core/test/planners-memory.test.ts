import { describe, expect, it } from "vitest";
import type { CoreModelConfig } from "../src/index.ts";
import { createPlanner } from "../src/index.ts";
import { describePlannerConformance, plannerScenarios, SEEDS } from "./planner-conformance.ts";
import { config, exampleGroupsConfig, model, res } from "./planner-fixtures.ts";

const memory = (models: readonly CoreModelConfig[], devices: Record<string, number>) =>
  createPlanner(config({ kind: "memory" }, models, devices));

const oneDevice = () =>
  config(
    { kind: "memory" },
    [
      model("s1", { gpu: 4 }),
      model("s2", { gpu: 4 }),
      model("m1", { gpu: 8 }),
      model("m2", { gpu: 10 }),
      model("l1", { gpu: 16 }),
      model("huge", { gpu: 40 }),
      model("none"),
    ],
    { gpu: 24 },
  );
describePlannerConformance("memory: one device, mixed sizes", oneDevice);
describePlannerConformance("memory: two devices and a model on an unknown device", () =>
  config(
    { kind: "memory" },
    [
      model("a", { gpu0: 8, gpu1: 8 }),
      model("b", { gpu0: 12 }),
      model("c", { gpu1: 12 }),
      model("d", { gpu0: 4, gpu1: 14 }),
      model("e", { cpu: 16 }),
      model("f", { gpu2: 1 }),
    ],
    { gpu0: 16, gpu1: 16, cpu: 32 },
  ),
);
describePlannerConformance("memory on top of llama-swap's example groups", () =>
  exampleGroupsConfig({ gpu: 20 }),
);

describe("planners/memory", () => {
  it("memory: a model larger than its device can never run, and the message says why", () => {
    const planner = memory([model("big", { gpu: 30 })], { gpu: 24 });
    expect(planner.plan("big", [])).toEqual({
      ok: false,
      message: "model 'big' needs 30 on device 'gpu', which holds only 24",
    });
    expect(planner.allows(["big"])).toBe(false);
  });

  it("memory: a model needing an unconfigured device can never run", () => {
    const planner = memory([model("m", { gpu1: 2 })], { gpu0: 24 });
    expect(planner.plan("m", [])).toEqual({
      ok: false,
      message: "model 'm' needs 2 on device 'gpu1', which is not a configured device",
    });
  });

  it("memory: nothing is evicted while everything fits; models without needs take nothing", () => {
    const planner = memory([model("a", { gpu: 12 }), model("b", { gpu: 12 }), model("free")], { gpu: 24 });
    expect(planner.plan("b", [res("a"), res("free")])).toEqual({ ok: true, evict: [] });
    expect(planner.plan("free", [res("a"), res("b")])).toEqual({ ok: true, evict: [] });
    expect(planner.allows(["a", "b", "free"])).toBe(true);
  });

  it("memory: an idle model goes before a busy one, even a less recently used busy one", () => {
    const planner = memory([model("a", { gpu: 12 }), model("b", { gpu: 12 }), model("t", { gpu: 12 })], {
      gpu: 24,
    });
    const resident = [res("a", { busy: true, lastUsedAt: 1 }), res("b", { lastUsedAt: 9 })];
    expect(planner.plan("t", resident)).toEqual({ ok: true, evict: ["b"] });
  });

  it("memory: busy models join only to cover what evicting every idle one cannot, as few as possible", () => {
    const models = [
      model("a", { gpu: 4 }),
      model("b", { gpu: 16 }),
      model("c", { gpu: 4 }),
      model("t", { gpu: 16 }),
    ];
    const planner = memory(models, { gpu: 24 });
    const resident = [
      res("a"),
      res("b", { busy: true, lastUsedAt: 9 }),
      res("c", { busy: true, lastUsedAt: 1 }),
    ];
    expect(planner.plan("t", resident)).toEqual({ ok: true, evict: ["b"] });
  });

  it("memory: fewest models beats least recently used", () => {
    const models = [
      model("a", { gpu: 4 }),
      model("b", { gpu: 4 }),
      model("c", { gpu: 16 }),
      model("t", { gpu: 16 }),
    ];
    const planner = memory(models, { gpu: 24 });
    const resident = [res("a", { lastUsedAt: 1 }), res("b", { lastUsedAt: 2 }), res("c", { lastUsedAt: 9 })];
    expect(planner.plan("t", resident)).toEqual({ ok: true, evict: ["c"] });
  });

  it("memory: a greedy pick is pruned of models the others already cover", () => {
    // Least recently used first takes a, b, c (16 for a need of 12); b turns out not needed.
    const models = [
      model("a", { gpu: 4 }),
      model("b", { gpu: 4 }),
      model("c", { gpu: 8 }),
      model("d", { gpu: 8 }),
      model("t", { gpu: 12 }),
    ];
    const planner = memory(models, { gpu: 24 });
    const resident = ["a", "b", "c", "d"].map((id, i) => res(id, { lastUsedAt: i }));
    expect(planner.plan("t", resident)).toEqual({ ok: true, evict: ["a", "c"] });
  });

  it("memory: among single models that fit the need, the least memory wasted wins", () => {
    const models = [model("x", { gpu: 16 }), model("y", { gpu: 8 }), model("t", { gpu: 8 })];
    const planner = memory(models, { gpu: 24 });
    const resident = [res("x", { lastUsedAt: 1 }), res("y", { lastUsedAt: 9 })];
    expect(planner.plan("t", resident)).toEqual({ ok: true, evict: ["y"] });
  });

  it("memory: equal sizes go least recently used first, then in config order", () => {
    const models = [model("p", { gpu: 8 }), model("q", { gpu: 8 }), model("t", { gpu: 8 })];
    const planner = memory(models, { gpu: 16 });
    expect(planner.plan("t", [res("p", { lastUsedAt: 5 }), res("q", { lastUsedAt: 2 })])).toEqual({
      ok: true,
      evict: ["q"],
    });
    expect(planner.plan("t", [res("q", { lastUsedAt: 3 }), res("p", { lastUsedAt: 3 })])).toEqual({
      ok: true,
      evict: ["p"],
    });
  });

  it("memory: a stopping model is never evicted; its memory is awaited, not paid for by another eviction", () => {
    const models = [model("s", { gpu: 16 }), model("a", { gpu: 4 }), model("t", { gpu: 12 })];
    const planner = memory(models, { gpu: 24 });
    expect(planner.plan("t", [res("s", { phase: "stopping" }), res("a")])).toEqual({ ok: true, evict: [] });
    // The scheduler's allows(resident + target) check still counts it, so it waits for the exit.
    expect(planner.allows(["s", "a", "t"])).toBe(false);
    expect(planner.allows(["a", "t"])).toBe(true);
  });

  it("memory: each short device is covered, by one model spanning both when that is fewest", () => {
    const models = [
      model("g0", { gpu0: 8 }),
      model("g1", { gpu1: 8 }),
      model("both", { gpu0: 8, gpu1: 8 }),
      model("t", { gpu0: 8, gpu1: 8 }),
    ];
    const planner = memory(models, { gpu0: 16, gpu1: 16 });
    const resident = [
      res("g0", { lastUsedAt: 1 }),
      res("g1", { lastUsedAt: 1 }),
      res("both", { lastUsedAt: 9 }),
    ];
    expect(planner.plan("t", resident)).toEqual({ ok: true, evict: ["both"] });
    const planner2 = memory(models, { gpu0: 16, gpu1: 16 });
    expect(planner2.plan("t", [res("g0"), res("g1", { busy: true }), res("both", { busy: true })])).toEqual({
      ok: true,
      evict: ["both"],
    });
  });

  it("memory: with no devices configured nothing is constrained", () => {
    const planner = memory([model("a", { gpu: 100 }), model("b", { gpu: 100 })], {});
    expect(planner.plan("a", [res("b")])).toEqual({ ok: true, evict: [] });
    expect(planner.allows(["a", "b"])).toBe(true);
  });

  it("memory: on top of groups, evicts on what the group rules leave running", () => {
    const sized = [
      model("llama", { gpu: 8 }),
      model("modelA", { gpu: 8 }),
      model("modelB", { gpu: 8 }),
      model("forever-modelA", { gpu: 4 }),
      model("forever-modelB", { gpu: 16 }),
    ];
    const planner = createPlanner(config(exampleGroupsConfig().planner, sized, { gpu: 20 }));
    // group2 is not exclusive, so only memory forces an eviction: llama is least recently used.
    const resident = [res("llama", { lastUsedAt: 1 }), res("modelA", { lastUsedAt: 2 })];
    expect(planner.plan("modelB", resident)).toEqual({ ok: true, evict: ["llama"] });
    // llama is exclusive: the groups evict modelA and keep the persistent forever-modelA.
    expect(planner.plan("llama", [res("forever-modelA"), res("modelA")])).toEqual({
      ok: true,
      evict: ["modelA"],
    });
    // Persistence is a group rule; memory may still have to evict a persistent member.
    expect(planner.plan("llama", [res("forever-modelB"), res("modelA")])).toEqual({
      ok: true,
      evict: ["modelA", "forever-modelB"],
    });
  });

  it("memory: every evicted model was needed (no eviction can be handed back)", () => {
    const planner = createPlanner(oneDevice());
    const ids = oneDevice().models.map((m) => m.id);
    for (const s of SEEDS.flatMap((seed) => plannerScenarios(planner, ids, seed))) {
      const result = planner.plan(s.target, s.resident);
      if (!result.ok) continue;
      const survivors = s.resident.filter((r) => r.phase !== "stopping" && !result.evict.includes(r.id));
      for (const id of result.evict) {
        expect(planner.allows([...survivors.map((r) => r.id), id, s.target])).toBe(false);
      }
    }
  });

  it("memory: no busy model is evicted when evicting idle ones alone would make room", () => {
    const planner = createPlanner(oneDevice());
    const ids = oneDevice().models.map((m) => m.id);
    let checked = 0;
    for (const s of SEEDS.flatMap((seed) => plannerScenarios(planner, ids, seed))) {
      const result = planner.plan(s.target, s.resident);
      const busy = s.resident.filter((r) => r.phase !== "stopping" && r.busy);
      if (!result.ok || !planner.allows([...busy.map((r) => r.id), s.target])) continue;
      checked++;
      for (const r of busy) expect(result.evict).not.toContain(r.id);
    }
    expect(checked).toBeGreaterThan(10);
  });
});
