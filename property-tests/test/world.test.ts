/** The simulated world answers effects with the reactions the effect contract promises. */
import { describe, expect, test } from "vitest";
import { fx } from "../src/event-builders.ts";
import { World } from "../src/world.ts";

describe("world", () => {
  test("world: a started process becomes ready or fails, as the variant says", () => {
    const world = new World();
    world.observe([fx.start("m0", 1), fx.start("m1", 2)]);
    expect(world.deliver(0, 0)).toMatchObject({ type: "processReady", model: "m0", instance: 1 });
    expect(world.deliver(0, 99)).toMatchObject({ type: "processStartFailed", model: "m1", instance: 2 });
    expect(world.isQuiet()).toBe(true);
    expect(world.crashable()).toEqual([1]);
  });

  test("world: processStopped arrives once per instance and drops its pending start outcome", () => {
    const world = new World();
    world.observe([fx.start("m0", 1), fx.stop("m0", 1), fx.stop("m0", 1)]);
    expect(world.pending.map((r) => r.kind)).toEqual(["start", "stop"]);
    expect(world.deliver(1, 0)).toMatchObject({ type: "processStopped", instance: 1 });
    expect(world.isQuiet()).toBe(true);
  });

  test("world: a grant is delivered, then finishes; a client cancel drops both", () => {
    const world = new World();
    world.arrive("r1", "m0", undefined);
    world.arrive("r2", "m0", undefined);
    world.observe([fx.grant("r1", "m0", 1), fx.grant("r2", "m0", 1)]);
    expect(world.deliver(0, 0)).toMatchObject({ type: "grantDelivered", id: "r1" });
    expect(world.cancel("r2")).toMatchObject({ type: "requestCancelled", id: "r2" });
    expect(world.pending).toEqual([{ kind: "finish", requestId: "r1" }]);
    expect(world.deliver(0, 0)).toMatchObject({ type: "serveFinished", id: "r1" });
    expect(world.openRequests()).toEqual([]);
  });

  test("world: a later wakeAt replaces the pending one, and time never goes back", () => {
    const world = new World();
    world.advance(500);
    world.observe([
      { type: "wakeAt", at: 2000 },
      { type: "wakeAt", at: 100 },
    ]);
    expect(world.pending).toEqual([{ kind: "wake", at: 100 }]);
    expect(world.deliver(0, 0)).toEqual({ type: "tick", at: 500 });
    expect(world.now).toBe(500);
  });
});
