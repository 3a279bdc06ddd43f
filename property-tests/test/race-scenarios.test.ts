/**
 * The fast-path race, by hand. A request granted to an already-ready model must count as in
 * flight from the grant itself, not from grantDelivered: otherwise a request for another
 * model that arrives in between (the "window") finds the model idle and stops it under the
 * granted request. Every step also runs all invariant families.
 */
import type { Effect, Event } from "@hotswap/core";
import { describe, expect, test } from "vitest";
import { config, model } from "../src/config-builders.ts";
import { ev } from "../src/event-builders.ts";
import { formatEffect } from "../src/format.ts";
import { allFamilies, stopWhileServing } from "../src/invariants/index.ts";
import { coreMachine, type Machine } from "../src/machine.ts";
import { plantedRaceMachine } from "../src/planted-race.ts";
import { Sim } from "../src/sim.ts";

/** Two models in llama-swap's default group: only one may run at a time. */
const swapPair = config([model("m0"), model("m1")]);

/** Effects that change the world (start, stop, grant, reject), as text. */
function acts(effects: readonly Effect[] | undefined): string[] {
  return (effects ?? [])
    .filter(
      (e) =>
        e.type === "startProcess" || e.type === "stopProcess" || e.type === "grant" || e.type === "reject",
    )
    .map(formatEffect);
}

/** Applies `event` and returns its world-changing effects. */
function send<S>(sim: Sim<S>, event: Event): string[] {
  sim.apply(event);
  return acts(sim.history.at(-1)?.effects);
}

/** The instance of `model` most recently started. */
function instanceOf<S>(sim: Sim<S>, id: string): number {
  const facts = [...sim.ledger.instances.values()].filter((f) => f.model === id);
  const last = facts.at(-1);
  if (!last) throw new Error(`${id} was never started`);
  return last.instance;
}

/** Starts m0 by preload and makes it ready; returns its instance. */
function readyM0<S>(sim: Sim<S>): number {
  const started = send(sim, ev.preload(["m0"]));
  const m0 = instanceOf(sim, "m0");
  expect(started).toEqual([`startProcess m0#${m0}`]);
  expect(send(sim, ev.ready("m0", m0))).toEqual([]);
  return m0;
}

describe("the fast-path race", () => {
  test("race: a request for another model waits while a fast-path grant is not yet delivered", () => {
    const sim = new Sim(coreMachine, swapPair, allFamilies);
    const m0 = readyM0(sim);
    expect(send(sim, ev.arrived("r1", "m0"))).toEqual([`grant r1 -> m0#${m0}`]);
    // The window: r1 is granted, grantDelivered has not arrived. m0 must not stop.
    expect(send(sim, ev.arrived("r2", "m1"))).toEqual([]);
    expect(send(sim, ev.delivered("r1"))).toEqual([]);
    expect(send(sim, ev.finished("r1"))).toEqual([`stopProcess m0#${m0} (evict)`]);
    const started = send(sim, ev.stopped("m0", m0));
    const m1 = instanceOf(sim, "m1");
    expect(started).toEqual([`startProcess m1#${m1}`]);
    expect(send(sim, ev.ready("m1", m1))).toEqual([`grant r2 -> m1#${m1}`]);
    sim.end(true);
  });

  test("race: cancelling the granted request before delivery lets the swap go ahead", () => {
    const sim = new Sim(coreMachine, swapPair, allFamilies);
    const m0 = readyM0(sim);
    expect(send(sim, ev.arrived("r1", "m0"))).toEqual([`grant r1 -> m0#${m0}`]);
    expect(send(sim, ev.arrived("r2", "m1"))).toEqual([]);
    expect(send(sim, ev.cancelled("r1"))).toEqual([`stopProcess m0#${m0} (evict)`]);
  });

  test("race: a forced unload may stop the model under the granted request", () => {
    const sim = new Sim(coreMachine, swapPair, allFamilies);
    const m0 = readyM0(sim);
    expect(send(sim, ev.arrived("r1", "m0"))).toEqual([`grant r1 -> m0#${m0}`]);
    expect(send(sim, ev.unload(["m0"], false))).toEqual([`stopProcess m0#${m0} (unload)`]);
  });

  test("race: the planted variant stops m0 under r1 in the window, and family 1 says so", () => {
    const sim = new Sim(plantedRaceMachine as Machine<unknown>, swapPair, [stopWhileServing]);
    const m0 = readyM0(sim);
    expect(send(sim, ev.arrived("r1", "m0"))).toEqual([`grant r1 -> m0#${m0}`]);
    expect(() => sim.apply(ev.arrived("r2", "m1"))).toThrow(
      new RegExp(`stopProcess m0#${m0} \\(reason evict\\) while r1 in flight`),
    );
  });

  test("race: in the planted variant, once grantDelivered arrives first the swap waits again", () => {
    const sim = new Sim(plantedRaceMachine as Machine<unknown>, swapPair, [stopWhileServing]);
    const m0 = readyM0(sim);
    expect(send(sim, ev.arrived("r1", "m0"))).toEqual([`grant r1 -> m0#${m0}`]);
    expect(send(sim, ev.delivered("r1"))).toEqual([]);
    expect(send(sim, ev.arrived("r2", "m1"))).toEqual([]);
    expect(send(sim, ev.finished("r1"))).toEqual([`stopProcess m0#${m0} (evict)`]);
  });
});
