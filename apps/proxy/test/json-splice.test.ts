/**
 * The rewrite edits only the members a rule touches: for any object text (any spacing,
 * duplicate keys, escapes, nested values) and any rule, the spliced text parses to exactly
 * the object the rule makes of the parsed body, and every untouched member is kept byte for
 * byte.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topLevelMembers } from "../src/body/json-members.ts";
import { applyRule, type ModelRewriteRule, type RewriteTable, rewriteJsonText } from "../src/body/rewrite.ts";

const keys = fc.oneof(
  fc.constantFrom(
    "temperature",
    "top_p",
    "stream",
    "messages",
    "a",
    "__proto__",
    'q"uote',
    "back\\slash",
    "é",
    "model",
  ),
  fc.string({ maxLength: 6 }),
);
const space = fc.constantFrom("", " ", "\n", "\t", "  \r\n ");
const members = fc.array(fc.tuple(keys, fc.jsonValue({ maxDepth: 3 }), space, space, space), {
  maxLength: 8,
});
const params = fc.dictionary(keys, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const rule = fc.record({
  useModelName: fc.option(fc.constantFrom("m", "vendor/other"), { nil: null }),
  stripParams: fc.array(keys, { maxLength: 4 }),
  setParams: params,
  setParamsByID: fc.record({ m: params }),
});

/** An object text with `model: "m"` somewhere among `extra`, spaced and indented at random. */
function objectText(
  extra: [string, unknown, string, string, string][],
  modelAt: number,
  indent: number,
): string {
  const entries = extra.map(
    ([k, v, s1, s2, s3]) => `${s1}${JSON.stringify(k)}${s2}:${s3}${JSON.stringify(v, null, indent)}`,
  );
  entries.splice(Math.min(modelAt, entries.length), 0, ' "model" : "m"');
  return ` {${entries.join(",")}\n} `;
}

function sameJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe("json splice", () => {
  it("json splice: the rewritten text parses to the rule's object; untouched members keep their text", () => {
    fc.assert(
      fc.property(members, fc.nat(8), fc.nat(3), rule, (extra, modelAt, indent, r: ModelRewriteRule) => {
        // Duplicate keys: the last wins in JSON.parse, so `model` must stay the last "model".
        const text = objectText(
          extra.filter(([k]) => k !== "model"),
          modelAt,
          indent,
        );
        const table: RewriteTable = { aliases: {}, models: { m: r } };
        const expected = JSON.parse(text) as Record<string, unknown>;
        const changed = applyRule(expected, r, "m");
        const result = rewriteJsonText(text, table);
        if (!result.ok) throw new Error(result.message);
        expect(result.body === null).toBe(!changed);
        const out = result.body ?? text;
        // Through JSON both ways: a -0 in a configured value is written as 0 either way.
        expect(sameJson(JSON.parse(out))).toEqual(sameJson(expected));
        const touched = new Set([
          ...r.stripParams,
          ...Object.keys(r.setParams),
          ...Object.keys(r.setParamsByID.m ?? {}),
          "model",
        ]);
        for (const m of topLevelMembers(text) ?? []) {
          if (!touched.has(m.key)) expect(out).toContain(text.slice(m.start, m.valueEnd));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("json splice: the scanner finds each member's key and value span, escapes and nesting included", () => {
    const text = ' {"a" : "x\\"}y" ,"b\\u0041":[{"c":"]"},2], "d":-1.5e3,"e":true}';
    const spans = topLevelMembers(text);
    expect(spans?.map((m) => [m.key, text.slice(m.valueStart, m.valueEnd)])).toEqual([
      ["a", '"x\\"}y"'],
      ["bA", '[{"c":"]"},2]'],
      ["d", "-1.5e3"],
      ["e", "true"],
    ]);
    expect(topLevelMembers("[1,2]")).toBeNull();
    expect(topLevelMembers(" { } ")).toEqual([]);
  });

  it("json splice: a large body's untouched bytes pass through as sent (numbers too)", () => {
    const table: RewriteTable = {
      aliases: {},
      models: {
        m: {
          useModelName: "vendor/m",
          stripParams: ["temperature"],
          setParams: { top_k: 1 },
          setParamsByID: {},
        },
      },
    };
    const text = `{"model":"m","seed":12345678901234567890,"temperature":0.7,"prompt":"${"z".repeat(100_000)}","n":1.0}`;
    const result = rewriteJsonText(text, table);
    expect(result).toMatchObject({ ok: true, model: "m" });
    expect(result.ok && result.body).toBe(
      `{"model":"vendor/m","seed":12345678901234567890,"prompt":"${"z".repeat(100_000)}","n":1.0,"top_k":1}`,
    );
  });
});
