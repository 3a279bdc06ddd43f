import { describe, expect, it } from "vitest";
import { expandMatrix, MAX_EXPANDED_SETS, parseSetExpression } from "../src/index.ts";
import { exampleMatrix } from "./planner-fixtures.ts";

const parse = (expr: string, vars: Record<string, string> = {}, named: Record<string, string> = {}) =>
  parseSetExpression(
    expr,
    vars,
    Object.entries(named).map(([name, e]) => ({ name, expr: e })),
  );

const sets = (expr: string, vars: Record<string, string> = {}, named: Record<string, string> = {}) => {
  const result = parse(expr, vars, named);
  if (!result.ok) throw new Error(result.error.message);
  return result.sets;
};

describe("planners/matrix-dsl: expansion", () => {
  it("dsl: a single name is one set", () => {
    expect(sets("model-a")).toEqual([["model-a"]]);
  });

  it("dsl: '|' gives alternatives and '&' joins", () => {
    expect(sets("a | b")).toEqual([["a"], ["b"]]);
    expect(sets("a & b")).toEqual([["a", "b"]]);
  });

  it("dsl: parentheses distribute: (a|b) & c and (a|b)&(c|d)", () => {
    expect(sets("(a|b) & c")).toEqual([
      ["a", "c"],
      ["b", "c"],
    ]);
    expect(sets("(a|b)&(c|d)")).toEqual([
      ["a", "c"],
      ["a", "d"],
      ["b", "c"],
      ["b", "d"],
    ]);
  });

  it("dsl: '&' binds tighter than '|'", () => {
    expect(sets("a | b & c")).toEqual([["a"], ["b", "c"]]);
    expect(sets("a & b | c")).toEqual([["a", "b"], ["c"]]);
  });

  it("dsl: model ids may hold '/', ':', '.', '_' and '-'", () => {
    expect(sets("qwen/qwen3-8b:Q4 & llama_3.1-8b")).toEqual([["qwen/qwen3-8b:Q4", "llama_3.1-8b"]]);
  });

  it("dsl: vars resolve to model ids and win over a model id of the same name", () => {
    expect(sets("g & qwen-model", { g: "gemma-model", "qwen-model": "other" })).toEqual([
      ["gemma-model", "other"],
    ]);
  });

  it("dsl: repeated members and repeated alternatives collapse", () => {
    expect(sets("a & a & b")).toEqual([["a", "b"]]);
    expect(sets("(a & b) | (b & a) | a")).toEqual([["a", "b"], ["a"]]);
  });

  it("dsl: +ref inlines another set's alternatives", () => {
    expect(sets("+llms & v", { g: "gemma", v: "voxtral" }, { llms: "g | qwen" })).toEqual([
      ["gemma", "voxtral"],
      ["qwen", "voxtral"],
    ]);
  });

  it("dsl: llama-swap's example matrix expands as its comments say, in definition order", () => {
    const result = expandMatrix(exampleMatrix);
    expect(result).toEqual({
      ok: true,
      sets: [
        { name: "standard", members: ["gemma-model", "voxtral-model"] },
        { name: "standard", members: ["qwen-model", "voxtral-model"] },
        { name: "standard", members: ["mistral-model", "voxtral-model"] },
        { name: "with_rerank", members: ["gemma-model", "voxtral-model", "reranker-model"] },
        { name: "with_rerank", members: ["qwen-model", "voxtral-model", "reranker-model"] },
        { name: "creative", members: ["gemma-model", "stable-diffusion"] },
        { name: "creative", members: ["qwen-model", "stable-diffusion"] },
        { name: "full", members: ["llama-70B"] },
      ],
    });
  });
});

describe("planners/matrix-dsl: errors", () => {
  const error = (expr: string, named: Record<string, string> = {}) => {
    const result = parse(expr, {}, named);
    if (result.ok) throw new Error(`expected an error for ${expr}`);
    return result.error;
  };

  it("dsl: an operator where a name belongs is reported at its position", () => {
    expect(error("(a | b) && c")).toEqual({
      message: "expected a model name or '(' at position 9, found '&'",
      position: 9,
    });
    expect(error("a |")).toEqual({
      message: "expected a model name or '(' at position 3, found end of expression",
      position: 3,
    });
  });

  it("dsl: an empty expression and empty parentheses are errors", () => {
    expect(error("")).toEqual({
      message: "expected a model name or '(' at position 0, found end of expression",
      position: 0,
    });
    expect(error("a & ()")).toEqual({
      message: "expected a model name or '(' at position 5, found ')'",
      position: 5,
    });
  });

  it("dsl: an unclosed parenthesis points at the end", () => {
    expect(error("(a | b")).toEqual({
      message: "expected ')' at position 6, found end of expression",
      position: 6,
    });
  });

  it("dsl: two names without an operator, or a stray ')', are reported", () => {
    expect(error("a b")).toEqual({
      message: "expected '&', '|' or end of expression at position 2, found 'b'",
      position: 2,
    });
    expect(error("a & b)")).toEqual({
      message: "expected '&', '|' or end of expression at position 5, found ')'",
      position: 5,
    });
  });

  it("dsl: a character outside the language is reported", () => {
    expect(error("a # b")).toEqual({ message: "unexpected character '#' at position 2", position: 2 });
  });

  it("dsl: '+' needs a set name right after it", () => {
    expect(error("a & + b")).toEqual({ message: "expected a set name after '+' at position 5", position: 5 });
  });

  it("dsl: an unknown reference is reported at the '+'", () => {
    expect(error("a & +nope")).toEqual({
      message: "unknown set 'nope' referenced at position 4",
      position: 4,
    });
  });

  it("dsl: an error inside a referenced set is reported at the reference, naming the set", () => {
    expect(error("x | +bad", { bad: "c &" })).toEqual({
      message:
        "set 'bad' referenced at position 4 is invalid: expected a model name or '(' at position 3, found end of expression",
      position: 4,
    });
  });

  it("dsl: an expansion beyond the limit is refused at the '&' that crosses it", () => {
    const expr = Array.from({ length: 13 }, () => "(a|b)").join("&");
    const position = 12 * 6 - 1; // the 12th '&' makes 2^13 = 8192 > 4096
    expect(error(expr)).toEqual({
      message: `too many combinations at position ${position}: more than ${MAX_EXPANDED_SETS} sets`,
      position,
    });
  });
});

describe("planners/matrix-dsl: expandMatrix", () => {
  it("dsl: reference cycles are reported for every set on the cycle", () => {
    const result = expandMatrix({
      vars: {},
      sets: [
        { name: "a", expr: "x & +b" },
        { name: "b", expr: "+a | y" },
        { name: "self", expr: "z | +self" },
        { name: "fine", expr: "x & y" },
      ],
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { set: "a", message: "reference cycle at position 4: a -> b -> a", position: 4 },
        { set: "b", message: "reference cycle at position 0: b -> a -> b", position: 0 },
        { set: "self", message: "reference cycle at position 4: self -> self", position: 4 },
      ],
    });
  });

  it("dsl: every faulty set is reported with its name, and a duplicate name is an error", () => {
    const result = expandMatrix({
      vars: {},
      sets: [
        { name: "one", expr: "a &" },
        { name: "two", expr: "b" },
        { name: "two", expr: "c" },
      ],
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          set: "one",
          message: "expected a model name or '(' at position 3, found end of expression",
          position: 3,
        },
        { set: "two", message: "duplicate set name 'two' at position 0", position: 0 },
      ],
    });
  });

  it("dsl: a set may reference one defined after it", () => {
    const result = expandMatrix({
      vars: {},
      sets: [
        { name: "first", expr: "+later & c" },
        { name: "later", expr: "a | b" },
      ],
    });
    expect(result.ok && result.sets.map((s) => s.members)).toEqual([["a", "c"], ["b", "c"], ["a"], ["b"]]);
  });
});
