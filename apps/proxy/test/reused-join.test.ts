import { describe, expect, it } from "vitest";
import { ReusedJoin } from "../src/body/join-parts.ts";

const parts = (text: string, n: number): Uint8Array[] => {
  const bytes = Buffer.from(text);
  const step = Math.ceil(bytes.length / n);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += step) out.push(new Uint8Array(bytes.subarray(at, at + step)));
  return out;
};

describe("ReusedJoin", () => {
  it("joins each body whole into the reused buffer, whatever the previous one was, and declines bodies above its bound", () => {
    const joins = new ReusedJoin(3 * 1024 * 1024);
    const long = "a".repeat(1_500_000);
    const first = joins.join(parts(long, 7));
    expect(Buffer.from(first ?? []).toString()).toBe(long);

    // Shorter: only its own bytes, none of the previous body's tail.
    const short = "bcd".repeat(1000);
    const second = joins.join(parts(short, 3));
    expect(second?.buffer).toBe(first?.buffer);
    expect(Buffer.from(second ?? []).toString()).toBe(short);

    // Longer than the buffer: it grows, and the content is still this body's.
    const longer = "e".repeat(2_500_000);
    expect(Buffer.from(joins.join(parts(longer, 5)) ?? []).toString()).toBe(longer);

    expect(joins.join(parts("f".repeat(3 * 1024 * 1024 + 1), 4))).toBeNull();
  });
});
