import { describe, expect, it } from "vitest";
import type { CoreModelConfig, PlannerConfig } from "../src/index.ts";
import { CoreError, createPlanner } from "../src/index.ts";
import { describePlannerConformance } from "./planner-conformance.ts";
import { config, exampleMatrix, exampleMatrixModels, model, res } from "./planner-fixtures.ts";

function matrix(
  sets: Record<string, string>,
  evictCosts: Record<string, number> = {},
  vars: Record<string, string> = {},
): PlannerConfig {
  return {
    kind: "matrix",
    vars,
    evictCosts,
    sets: Object.entries(sets).map(([name, expr]) => ({ name, expr })),
  };
}

const exampleMemory: CoreModelConfig[] = exampleMatrixModels.map((id, i) =>
  model(id, { gpu: 4 + 3 * (i % 4) }),
);

describePlannerConformance("matrix: llama-swap example", () => config(exampleMatrix, exampleMatrixModels));
describePlannerConformance("matrix: llama-swap example with a device budget", () =>
  config(exampleMatrix, exampleMemory, { gpu: 16 }),
);
describePlannerConformance("matrix: overlapping sets with costs", () =>
  config(matrix({ s1: "a & (b | c)", s2: "(a | d) & c & e", s3: "+s1 & f" }, { c: 3, e: 2 }), [
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
  ]),
);

describe("planners/matrix", () => {
  const example = createPlanner(config(exampleMatrix, exampleMatrixModels));

  it("matrix: keeps the costly var-keyed model (v: 50) and evicts the cheap one", () => {
    // creative [gemma, sd] costs voxtral (50); creative [qwen, sd] costs gemma + voxtral (51).
    const resident = [res("gemma-model"), res("voxtral-model")];
    expect(example.plan("stable-diffusion", resident)).toEqual({ ok: true, evict: ["voxtral-model"] });
  });

  it("matrix: a target whose set already holds the running models evicts nothing", () => {
    const resident = [res("gemma-model"), res("voxtral-model")];
    expect(example.plan("reranker-model", resident)).toEqual({ ok: true, evict: [] });
  });

  it("matrix: a model-id-keyed cost (llama-70B: 30) counts, and a model alone in its set evicts all", () => {
    expect(example.plan("gemma-model", [res("llama-70B")])).toEqual({ ok: true, evict: ["llama-70B"] });
    const resident = [res("qwen-model"), res("voxtral-model"), res("reranker-model")];
    expect(example.plan("llama-70B", resident)).toEqual({
      ok: true,
      evict: ["qwen-model", "voxtral-model", "reranker-model"],
    });
  });

  it("matrix: equal costs are settled by definition order", () => {
    const resident = [res("b"), res("c")];
    const forward = createPlanner(config(matrix({ s1: "a & b", s2: "a & c" }), ["a", "b", "c"]));
    const backward = createPlanner(config(matrix({ s2: "a & c", s1: "a & b" }), ["a", "b", "c"]));
    expect(forward.plan("a", resident)).toEqual({ ok: true, evict: ["c"] });
    expect(backward.plan("a", resident)).toEqual({ ok: true, evict: ["b"] });
  });

  it("matrix: a lower cost beats definition order", () => {
    const planner = createPlanner(config(matrix({ s1: "a & b", s2: "a & c" }, { c: 5 }), ["a", "b", "c"]));
    expect(planner.plan("a", [res("b"), res("c")])).toEqual({ ok: true, evict: ["b"] });
  });

  it("matrix: a var-keyed cost wins over a model-id key for the same model", () => {
    const planner = createPlanner(
      config(matrix({ s1: "a & b", s2: "a & cc" }, { cc: 1, c: 5 }, { c: "cc" }), ["a", "b", "cc"]),
    );
    expect(planner.plan("a", [res("b"), res("cc")])).toEqual({ ok: true, evict: ["b"] });
  });

  it("matrix: fewest busy evictions come before cost (extension; same as llama-swap when idle)", () => {
    const planner = createPlanner(config(matrix({ s1: "a & b", s2: "a & c" }, { c: 10 }), ["a", "b", "c"]));
    expect(planner.plan("a", [res("b"), res("c")])).toEqual({ ok: true, evict: ["b"] });
    expect(planner.plan("a", [res("b", { busy: true }), res("c")])).toEqual({ ok: true, evict: ["c"] });
  });

  it("matrix: a model in no set runs only alone", () => {
    expect(example.plan("loner", [res("gemma-model"), res("voxtral-model")])).toEqual({
      ok: true,
      evict: ["gemma-model", "voxtral-model"],
    });
    expect(example.plan("gemma-model", [res("loner")])).toEqual({ ok: true, evict: ["loner"] });
    expect(example.allows(["loner"])).toBe(true);
    expect(example.allows(["loner", "gemma-model"])).toBe(false);
  });

  it("matrix: stopping models add no cost and are never listed", () => {
    const planner = createPlanner(config(matrix({ s1: "a & b", s2: "a & c" }), ["a", "b", "c"]));
    expect(planner.plan("a", [res("b", { phase: "stopping" }), res("c")])).toEqual({ ok: true, evict: [] });
  });

  it("matrix: allows any subset of an expanded set and nothing that spans two", () => {
    expect(example.allows(["gemma-model", "voxtral-model", "reranker-model"])).toBe(true);
    expect(example.allows(["voxtral-model", "reranker-model"])).toBe(true);
    expect(example.allows(["mistral-model", "reranker-model"])).toBe(false);
    expect(example.allows(["voxtral-model", "stable-diffusion"])).toBe(false);
  });

  it("matrix: a matrix that does not expand is a bug by the time it reaches the core", () => {
    let caught: unknown;
    try {
      createPlanner(config(matrix({ bad: "a &" }), ["a"]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CoreError);
    expect((caught as CoreError).code).toBe("CORE_INVARIANT");
    expect((caught as CoreError).message).toContain("matrix set 'bad' does not expand");
  });
});
