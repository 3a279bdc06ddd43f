/**
 * The invariant monitors themselves: each family accepts a sound history and flags the
 * unsound one it exists for. Histories come from a scripted machine, not the core.
 */
import type { CoreConfig } from "@hotswap/core";
import { describe, expect, test } from "vitest";
import { config, model } from "../src/config-builders.ts";
import { InvariantViolationError } from "../src/errors.ts";
import { ev, fx } from "../src/event-builders.ts";
import { allFamilies } from "../src/invariants/index.ts";
import type { Machine } from "../src/machine.ts";
import { replay } from "../src/sim.ts";
import { eventsOf, type Script, scriptedMachine } from "./scripted-machine.ts";

const twoModels = config([model("m0"), model("m1")], {
  scheduler: { kind: "fifo", maxBypass: 1, maxWaitMs: 0 },
});

/** The id of the first family that objects, or "none". */
function verdict(script: Script, cfg: CoreConfig = twoModels, machine?: Machine<unknown>): string {
  try {
    const sim = replay(machine ?? scriptedMachine(script), cfg, eventsOf(script), allFamilies);
    sim.end(true);
    return "none";
  } catch (error) {
    if (error instanceof InvariantViolationError) return error.family;
    throw error;
  }
}

const serveThenSwap: Script = [
  [ev.arrived("r1", "m0"), [fx.start("m0", 1)]],
  [ev.ready("m0", 1), [fx.grant("r1", "m0", 1)]],
  [ev.delivered("r1"), []],
  [ev.finished("r1"), []],
  [ev.arrived("r2", "m1"), [fx.stop("m0", 1)]],
  [ev.stopped("m0", 1), [fx.start("m1", 2)]],
  [ev.ready("m1", 2), [fx.grant("r2", "m1", 2)]],
  [ev.finished("r2"), []],
];

describe("monitors", () => {
  test("monitors: a sound serve-then-swap history passes every family", () => {
    expect(verdict(serveThenSwap)).toBe("none");
  });

  test("monitors: stopping a model under a delivered request violates stop-while-serving", () => {
    const script: Script = [...serveThenSwap.slice(0, 3), [ev.arrived("r2", "m1"), [fx.stop("m0", 1)]]];
    expect(verdict(script)).toBe("stop-while-serving");
  });

  test("monitors: a forced unload may stop a model under a request", () => {
    const script: Script = [
      ...serveThenSwap.slice(0, 3),
      [ev.unload(["m0"], false), [fx.stop("m0", 1, "unload")]],
    ];
    expect(verdict(script.concat([[ev.finished("r1"), []]]))).toBe("none");
  });

  test("monitors: a force shutdown may stop a model under a request", () => {
    const script: Script = [
      ...serveThenSwap.slice(0, 3),
      [ev.shutdown(true), [fx.stop("m0", 1, "shutdown")]],
      [ev.stopped("m0", 1), []],
      [ev.finished("r1"), [{ type: "shutdownComplete" }]],
    ];
    expect(verdict(script)).toBe("none");
  });

  test("monitors: a grant to the old version of a changed model violates grant-to-ready", () => {
    const script: Script = [
      ...serveThenSwap.slice(0, 4),
      [{ type: "configReplaced", config: twoModels, changed: ["m0"], at: 0 }, []],
      [ev.arrived("r2", "m0"), [fx.grant("r2", "m0", 1)]],
    ];
    expect(verdict(script)).toBe("grant-to-ready");
  });

  test("monitors: a grant before processReady violates grant-to-ready", () => {
    const script: Script = [[ev.arrived("r1", "m0"), [fx.start("m0", 1), fx.grant("r1", "m0", 1)]]];
    expect(verdict(script)).toBe("grant-to-ready");
  });

  test("monitors: a second answer violates one-answer", () => {
    const script: Script = [
      ...serveThenSwap.slice(0, 2),
      [ev.delivered("r1"), [fx.reject("r1", "QUEUE_FULL")]],
    ];
    expect(verdict(script)).toBe("one-answer");
  });

  test("monitors: a request left unanswered when the world is quiet violates one-answer", () => {
    expect(verdict([[ev.arrived("r1", "m0"), []]])).toBe("one-answer");
  });

  test("monitors: two models of the default group resident together violate resident-allowed", () => {
    const script: Script = [
      [ev.arrived("r1", "m0"), [fx.start("m0", 1)]],
      [ev.arrived("r2", "m1"), [fx.start("m1", 2)]],
    ];
    // The start is judged first (family 5), so leave family 5 out to see family 4.
    const families = allFamilies.filter((f) => f.id !== "start-when-allowed");
    expect(() => replay(scriptedMachine(script), twoModels, eventsOf(script), families)).toThrow(
      /resident-allowed/,
    );
  });

  test("monitors: starting before the evicted model has stopped violates start-when-allowed", () => {
    const script: Script = [
      ...serveThenSwap.slice(0, 4),
      [ev.arrived("r2", "m1"), [fx.stop("m0", 1), fx.start("m1", 2)]],
    ];
    expect(verdict(script)).toBe("start-when-allowed");
  });

  test("monitors: a model that never fits its device must not start", () => {
    const big = config([model("m0", { memory: { gpu0: 150 } })], {
      planner: { kind: "memory" },
      devices: { gpu0: 100 },
    });
    expect(verdict([[ev.arrived("r1", "m0"), [fx.start("m0", 1)]]], big)).toBe("start-when-allowed");
  });

  test("monitors: resident models overrunning a device violate resident-allowed, by the independent memory sum", () => {
    const gpu = config([model("m0", { memory: { gpu0: 60 } }), model("m1", { memory: { gpu0: 60 } })], {
      planner: {
        kind: "groups",
        groups: [{ id: "g", swap: false, exclusive: false, persistent: false, members: ["m0", "m1"] }],
      },
    });
    const script: Script = [
      [ev.preload(["m0"]), [fx.start("m0", 1)]],
      [ev.preload(["m1"]), [fx.start("m1", 2)]],
    ];
    const families = allFamilies.filter((f) => f.id === "resident-allowed");
    // No device budget configured: allowed. With gpu0 = 100 the memory sum itself objects.
    expect(() => replay(scriptedMachine(script), gpu, eventsOf(script), families)).not.toThrow();
    const budget = { ...gpu, devices: { gpu0: 100 } };
    expect(() => replay(scriptedMachine(script), budget, eventsOf(script), families)).toThrow(
      /overruns memory/,
    );
  });

  test("monitors: a model still resident long after its TTL violates resident-allowed at the end", () => {
    const ttl = config([model("m0", { ttlMs: 1000 })]);
    const script: Script = [
      [ev.arrived("r1", "m0"), [fx.start("m0", 1)]],
      [ev.ready("m0", 1), [fx.grant("r1", "m0", 1)]],
      [ev.finished("r1"), []],
      [ev.tick(3_600_000), []],
    ];
    expect(verdict(script, ttl)).toBe("resident-allowed");
    const stopped: Script = [...script.slice(0, 3), [ev.tick(3_600_000), [fx.stop("m0", 1, "ttl")]]];
    expect(verdict([...stopped, [ev.stopped("m0", 1, 3_600_000), []]], ttl)).toBe("none");
  });

  test("monitors: two requests in flight on a limit-1 model violate concurrency-limit", () => {
    const script: Script = [
      [ev.arrived("r1", "m0"), [fx.start("m0", 1)]],
      [ev.arrived("r2", "m0"), []],
      [ev.ready("m0", 1), [fx.grant("r1", "m0", 1), fx.grant("r2", "m0", 1)]],
    ];
    expect(verdict(script)).toBe("concurrency-limit");
  });

  test("monitors: passing over a waiting request more than maxBypass times violates starvation-bound", () => {
    const wide = config([model("m0", { concurrencyLimit: 3 }), model("m1")], {
      scheduler: { kind: "fifo", maxBypass: 1, maxWaitMs: 0 },
    });
    const script: Script = [
      [ev.arrived("r1", "m0"), [fx.start("m0", 1)]],
      [ev.ready("m0", 1), [fx.grant("r1", "m0", 1)]],
      [ev.arrived("r2", "m1"), []],
      [ev.arrived("r3", "m0"), [fx.grant("r3", "m0", 1)]],
      [ev.arrived("r4", "m0"), [fx.grant("r4", "m0", 1)]],
    ];
    expect(verdict(script, wide)).toBe("starvation-bound");
    // One bypass is within the bound.
    expect(verdict(script.slice(0, 4), wide)).not.toBe("starvation-bound");
  });

  test("monitors: under the serial scheduler, granting a later request first violates serial-order", () => {
    const serial = config([model("m0", { concurrencyLimit: 2 })], { scheduler: { kind: "serial" } });
    const inOrder: Script = [
      [ev.arrived("r1", "m0"), [fx.start("m0", 1)]],
      [ev.arrived("r2", "m0"), []],
      [ev.ready("m0", 1), [fx.grant("r1", "m0", 1)]],
      [ev.finished("r1"), [fx.grant("r2", "m0", 1)]],
      [ev.finished("r2"), []],
    ];
    expect(verdict(inOrder, serial)).toBe("none");
    const both: Script = [
      ...inOrder.slice(0, 2),
      [ev.ready("m0", 1), [fx.grant("r1", "m0", 1), fx.grant("r2", "m0", 1)]],
    ];
    expect(verdict(both, serial)).toBe("serial-order");
    const reversed: Script = [...inOrder.slice(0, 2), [ev.ready("m0", 1), [fx.grant("r2", "m0", 1)]]];
    expect(verdict(reversed, serial)).toBe("serial-order");
  });

  test("monitors: effects that differ on replay violate determinism", () => {
    let calls = 0;
    const flaky: Machine<number> = {
      name: "flaky",
      init: () => 0,
      step: (s) => ({ state: s + 1, effects: calls++ === 0 ? [fx.reject("r1", "UNKNOWN_MODEL")] : [] }),
      selfCheck: () => [],
    };
    const script: Script = [[ev.arrived("r1", "ghost"), []]];
    expect(verdict(script, twoModels, flaky as Machine<unknown>)).toBe("determinism");
  });

  test("monitors: a Map inside the state violates determinism", () => {
    const mapped: Machine<Map<string, number>> = {
      name: "mapped",
      init: () => new Map(),
      step: (s) => ({ state: new Map(s), effects: [fx.reject("r1", "UNKNOWN_MODEL")] }),
      selfCheck: () => [],
    };
    const script: Script = [[ev.arrived("r1", "ghost"), []]];
    expect(verdict(script, twoModels, mapped as Machine<unknown>)).toBe("determinism");
  });
});
