import type { CoreConfig, Effect, Event } from "@hotswap/core";
import { describe, expect, it } from "vitest";
import { measure } from "../src/sim/metrics.ts";
import { buildConfig, SCHEDULER_SETTINGS } from "../src/sim/settings.ts";
import { poissonTrace, roundRobinTrace } from "../src/sim/traces.ts";
import { type CoreFunctions, simulate, simulateWith } from "../src/sim/world.ts";

const abc = roundRobinTrace({
  name: "abc",
  models: 3,
  rounds: 2,
  gapMs: 0,
  loadMs: 100,
  serviceMs: 10,
  concurrencyLimit: 4,
  memoryMiB: 1,
  deviceMiB: 2,
});
const fifo = SCHEDULER_SETTINGS.find((s) => s.name === "fifo")!.scheduler;
const options = { seed: 1, jitter: 0, maxSteps: 1000 };

/** A fake core that keeps no state and answers every event with `react(event)`. */
function fakeCore(react: (event: Event) => Effect[]): CoreFunctions<null> {
  return {
    initialState: (_config: CoreConfig) => null,
    step: (_state, event) => ({ state: null, effects: react(event) }),
  };
}

describe("sim world", () => {
  it("reports a core that leaves requests unanswered as not draining", () => {
    const run = simulateWith(
      fakeCore(() => []),
      buildConfig(abc, fifo, "groups"),
      abc,
      options,
    );
    expect(
      run.anomalies.some((a) => a.includes("did not drain") && a.includes("6 request(s) unanswered")),
    ).toBe(true);
    expect(run.anomalies.some((a) => a.includes("no shutdownComplete"))).toBe(true);
    expect(measure(run).unanswered).toBe(6);
  });

  it("reports a grant to a model that was never started, and a second answer", () => {
    const core = fakeCore((event): Effect[] =>
      event.type === "requestArrived"
        ? [
            { type: "grant", requestId: event.id, model: event.model, instance: 1 },
            { type: "reject", requestId: event.id, error: { code: "QUEUE_FULL", message: "full" } },
          ]
        : event.type === "shutdownRequested"
          ? [{ type: "shutdownComplete" }]
          : [],
    );
    const run = simulateWith(core, buildConfig(abc, fifo, "groups"), abc, options);
    expect(run.anomalies.filter((a) => a.includes("which is not running"))).toHaveLength(6);
    expect(run.anomalies.filter((a) => a.includes("second answer (reject QUEUE_FULL)"))).toHaveLength(6);
  });

  it("cuts off a core that keeps asking to be woken and says so", () => {
    const core = fakeCore((event): Effect[] => [{ type: "wakeAt", at: event.at + 1000 }]);
    const run = simulateWith(core, buildConfig(abc, fifo, "groups"), abc, options);
    expect(run.steps).toBe(1000);
    expect(run.anomalies.at(-1)).toMatch(/did not drain: cut off after 1000 steps/);
  });

  it("replays one trace and seed to the same record (the run is deterministic)", () => {
    const trace = poissonTrace({
      name: "p",
      seed: 5,
      models: 5,
      requests: 60,
      meanGapMs: 1000,
      skew: 1,
      meanServiceMs: 1500,
      deviceMiB: 24_576,
    });
    const config = buildConfig(trace, fifo, "memory");
    const strip = (r: ReturnType<typeof simulate>) => ({ ...r, stepWallMs: 0 });
    const first = strip(simulate(config, trace, { seed: 3, jitter: 0.1, maxSteps: 100_000 }));
    expect(first.anomalies).toEqual([]);
    expect(strip(simulate(config, trace, { seed: 3, jitter: 0.1, maxSteps: 100_000 }))).toEqual(first);
  });
});
