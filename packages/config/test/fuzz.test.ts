import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, formatProblem, parseConfigText } from "../src/index.ts";
import { anyText, llamaSwapDocument, RUNS, SEED } from "./fuzz-arbitraries.ts";
import { EXAMPLE_ENV } from "./helpers.ts";

describe("config fuzz (fast-check, seed from FC_SEED)", () => {
  it("fuzz: random and mutated YAML never throws anything but ConfigError", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          const { config } = parseConfigText(text, { path: "f.yaml", env: EXAMPLE_ENV });
          expect(typeof config.models).toBe("object");
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          expect(error.code).toBe("CONFIG_INVALID");
          expect(error.problems.some((p) => p.severity === "error")).toBe(true);
          for (const p of error.problems) {
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.column).toBeGreaterThanOrEqual(1);
            expect(p.message).not.toBe("");
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("fuzz: documents llama-swap's schema accepts are accepted", () => {
    fc.assert(
      fc.property(llamaSwapDocument, (text) => {
        try {
          const { config } = parseConfigText(text, { path: "f.yaml", env: {} });
          expect(Object.keys(config.models).length).toBeGreaterThan(0);
          for (const model of Object.values(config.models)) expect(model.argv.length).toBeGreaterThan(0);
        } catch (error) {
          if (error instanceof ConfigError)
            throw new Error(`${text}\n${error.problems.map(formatProblem).join("\n")}`);
          throw error;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
