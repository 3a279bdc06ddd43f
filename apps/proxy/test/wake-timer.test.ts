import { performance } from "node:perf_hooks";
import type { Event } from "@hotswap/core";
import { describe, expect, it } from "vitest";
import type { EffectContext } from "../src/effects/context.ts";
import { WakeTimer } from "../src/effects/wake-at.ts";

/** A context whose dispatch resolves `firstTick` with the first event. */
function tickContext() {
  let resolve!: (event: Event) => void;
  const firstTick = new Promise<Event>((r) => {
    resolve = r;
  });
  const ctx = {
    now: () => performance.now(),
    dispatch: (event: Event) => resolve(event),
  } as unknown as EffectContext;
  return { ctx, firstTick };
}

describe("wake timer", () => {
  it("wake timer: a later wakeAt supersedes the earlier one and the tick carries the monotonic time", async () => {
    const { ctx, firstTick } = tickContext();
    const timer = new WakeTimer();
    const start = performance.now();
    timer.wakeAt(ctx, { type: "wakeAt", at: start + 1 });
    timer.wakeAt(ctx, { type: "wakeAt", at: start + 40 });
    const tick = await firstTick;
    expect(tick.type).toBe("tick");
    // Had the first timer fired, the first tick would come at ~start + 1.
    expect((tick as Extract<Event, { type: "tick" }>).at).toBeGreaterThanOrEqual(start + 40);
  });

  it("wake timer: a wakeAt in the past fires at once", async () => {
    const { ctx, firstTick } = tickContext();
    new WakeTimer().wakeAt(ctx, { type: "wakeAt", at: performance.now() - 1000 });
    expect((await firstTick).type).toBe("tick");
  });
});
