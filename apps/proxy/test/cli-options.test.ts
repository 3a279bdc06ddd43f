import { describe, expect, it } from "vitest";
import { parseThreshold, runCli } from "../src/cli.ts";

describe("cli: --inline-body-threshold", () => {
  it("takes a byte count or inf", () => {
    expect(parseThreshold("0")).toBe(0);
    expect(parseThreshold("1048576")).toBe(1_048_576);
    expect(parseThreshold("inf")).toBe(Number.POSITIVE_INFINITY);
  });

  it("refuses anything else with a RangeError", () => {
    for (const bad of ["", "-1", "1.5", "12kb", "NaN"]) expect(() => parseThreshold(bad)).toThrow(RangeError);
  });

  it("a bad value is a usage error (exit code 2) before anything starts", async () => {
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(await runCli(["--inline-body-threshold", "lots"])).toBe(2);
    } finally {
      process.stderr.write = stderr;
    }
  });
});
