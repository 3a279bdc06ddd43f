import { describe, expect, it } from "vitest";
import { LogHub } from "../src/logs/log-hub.ts";
import { RingBuffer } from "../src/logs/ring-buffer.ts";

describe("RingBuffer", () => {
  it("ring buffer: keeps the newest lines in arrival order once full", () => {
    const ring = new RingBuffer(3);
    for (const line of ["a", "b", "c", "d", "e"]) ring.push(line);
    expect(ring.size).toBe(3);
    expect(ring.lines()).toEqual(["c", "d", "e"]);
  });

  it("ring buffer: tail n returns the newest n, oldest first", () => {
    const ring = new RingBuffer(5);
    for (const line of ["a", "b", "c", "d"]) ring.push(line);
    expect(ring.lines(2)).toEqual(["c", "d"]);
    expect(ring.lines(10)).toEqual(["a", "b", "c", "d"]);
    expect(ring.lines(0)).toEqual([]);
  });

  it("ring buffer: rejects a capacity below one", () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });

  it("log hub: bounds each model separately and streams only the subscribed source", () => {
    const hub = new LogHub(2);
    const seen: string[] = [];
    const unsubscribe = hub.subscribe("a", (entry) => seen.push(entry.line));
    hub.push("a", "a1");
    hub.push("b", "b1");
    hub.push("a", "a2");
    hub.push("a", "a3");
    unsubscribe();
    hub.push("a", "a4");
    expect(hub.tail("a")).toEqual(["a3", "a4"]);
    expect(hub.tail("b")).toEqual(["b1"]);
    expect(seen).toEqual(["a1", "a2", "a3"]);
    expect(hub.all()).toContain("[b] b1");
  });
});
