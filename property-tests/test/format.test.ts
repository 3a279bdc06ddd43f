/** Counterexamples must read as a numbered event list, each event followed by its effects. */
import { describe, expect, test } from "vitest";
import { config, model } from "../src/config-builders.ts";
import { ev, fx } from "../src/event-builders.ts";
import { formatRun } from "../src/format.ts";

describe("format", () => {
  test("format: a run prints the config, numbered events with their effects, and a JSON replay", () => {
    const cfg = config([model("m0", { concurrencyLimit: 2, ttlMs: 1000 })]);
    const text = formatRun(cfg, [
      { event: ev.arrived("r1", "m0"), effects: [fx.start("m0", 1)] },
      { event: ev.ready("m0", 1, 5), effects: [fx.grant("r1", "m0", 1)] },
      { event: ev.unload("all", false, 7), effects: undefined },
    ]);
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "config: models m0(limit 2, ttl 1000); planner groups (none: one model at a time); scheduler fifo(maxBypass 0, maxWaitMs 0); " +
        "maxQueueLength 0, onConcurrencyLimit queue, globalTtlMs 0",
    );
    expect(lines.slice(1, 8)).toEqual([
      "events:",
      "   1. t=0 requestArrived r1 for m0",
      "        => startProcess m0#1",
      "   2. t=5 processReady m0#1",
      "        => grant r1 -> m0#1",
      "   3. t=7 unloadRequested all wait=false",
      "        => (step threw)",
    ]);
    expect(JSON.parse(lines.at(-1) ?? "")).toHaveLength(3);
  });
});
