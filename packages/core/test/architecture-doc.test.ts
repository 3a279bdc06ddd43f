import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EFFECT_TYPES, EVENT_TYPES } from "../src/index.ts";

const doc = readFileSync(new URL("../../../docs/architecture.md", import.meta.url), "utf8");

/** The first-column names of the markdown table that follows `heading`. */
function tableNames(heading: string): string[] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`heading ${heading} missing from docs/architecture.md`);
  const lines = doc.slice(start + heading.length + 2).split("\n");
  const names: string[] = [];
  let inTable = false;
  for (const line of lines) {
    if (line.startsWith("|")) {
      inTable = true;
      const match = /^\|\s*`([A-Za-z]+)`/.exec(line);
      if (match?.[1]) names.push(match[1]);
    } else if (inTable) {
      break;
    }
  }
  return names;
}

describe("docs/architecture.md", () => {
  it("lists exactly the core's event types", () => {
    expect(tableNames("### Events").sort()).toEqual([...EVENT_TYPES].sort());
  });

  it("lists exactly the core's effect types", () => {
    expect(tableNames("### Effects").sort()).toEqual([...EFFECT_TYPES].sort());
  });
});
