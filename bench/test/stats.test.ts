import { describe, expect, test } from "vitest";
import { median, ratio } from "../src/proxy/stats.ts";

describe("stats", () => {
  test("median: unsorted input, unknown values skipped, the lower middle for an even count", () => {
    expect(median([5.2, 4.4, 5.1])).toBe(5.1);
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([null, null])).toBeNull();
    expect(median([])).toBeNull();
  });

  test("ratio: null when the denominator is 0", () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNull();
  });
});
