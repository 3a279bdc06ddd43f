/**
 * What can happen next in a run: a client event or a world reaction. Actions hold only
 * choices (indexes taken modulo what exists at that moment, bitmasks over the config's
 * models), so any action applies to any state and shrinking never produces nonsense.
 * `eventFor` turns an action into the one event it stands for; `ActionCommand` applies it.
 */
import type { CoreConfig, Event } from "@hotswap/core";
import fc from "fast-check";
import { configArb, UNKNOWN_MODEL } from "./arbitraries.ts";
import type { Sim } from "./sim.ts";

export type Action =
  /** A world reaction: pending reaction number `pick` happens, `variant` (0-99) picks its outcome. */
  | { readonly kind: "react"; readonly pick: number; readonly variant: number }
  | {
      readonly kind: "arrive";
      readonly model: number;
      readonly unknown: boolean;
      readonly priority: number | undefined;
    }
  /** A client goes away; `late`: one whose request is already over (a stale cancel, to be ignored). */
  | { readonly kind: "cancel"; readonly pick: number; readonly late: boolean }
  | { readonly kind: "crash"; readonly pick: number }
  | { readonly kind: "unload"; readonly mask: number; readonly all: boolean; readonly wait: boolean }
  | { readonly kind: "preload"; readonly mask: number; readonly unknown: boolean }
  | { readonly kind: "tick"; readonly delta: number }
  | { readonly kind: "shutdown"; readonly force: boolean }
  | { readonly kind: "replaceConfig"; readonly config: CoreConfig; readonly changedMask: number };

const mask = fc.integer({ min: 0, max: 63 });

/** Actions with weights that keep runs busy: mostly reactions and arrivals. */
export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 80,
    arbitrary: fc.record({ kind: fc.constant("react" as const), pick: fc.nat(7), variant: fc.nat(99) }),
  },
  {
    weight: 48,
    arbitrary: fc.record({
      kind: fc.constant("arrive" as const),
      model: fc.nat(5),
      unknown: fc.nat(9).map((n) => n === 0),
      priority: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 4 }),
    }),
  },
  {
    weight: 16,
    arbitrary: fc.record({
      kind: fc.constant("tick" as const),
      delta: fc.constantFrom(1, 10, 100, 1000, 3000, 10000),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      pick: fc.nat(7),
      late: fc.nat(3).map((n) => n === 0),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("crash" as const), pick: fc.nat(3) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("unload" as const),
      mask,
      all: fc.boolean(),
      wait: fc.boolean(),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("preload" as const), mask, unknown: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("shutdown" as const), force: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("replaceConfig" as const),
      config: configArb,
      changedMask: mask,
    }),
  },
);

/** Whether the action can happen in the Sim's current state (fast-check skips it otherwise). */
export function applicable(sim: Sim<unknown>, action: Action): boolean {
  switch (action.kind) {
    case "react":
      return !sim.world.isQuiet();
    case "cancel":
      return (action.late ? sim.world.closedRequests() : sim.world.openRequests()).length > 0;
    case "crash":
      return sim.world.crashable().length > 0;
    default:
      return true;
  }
}

/** Turns the action into its event, against the Sim's current state. */
export function eventFor(sim: Sim<unknown>, action: Action): Event {
  const world = sim.world;
  const ids = sim.config.models.map((m) => m.id);
  const chosen = (bits: number) => ids.filter((_, i) => (bits >> i) & 1);
  switch (action.kind) {
    case "react":
      return world.deliver(action.pick, action.variant);
    case "arrive": {
      const model = action.unknown || ids.length === 0 ? UNKNOWN_MODEL : ids[action.model % ids.length]!;
      return world.arrive(sim.nextRequestId(), model, action.priority);
    }
    case "cancel": {
      if (action.late) {
        const closed = world.closedRequests();
        return { type: "requestCancelled", id: closed[action.pick % closed.length]!, at: world.now };
      }
      const open = world.openRequests();
      return world.cancel(open[action.pick % open.length]!);
    }
    case "crash": {
      const live = world.crashable();
      return world.crash(live[action.pick % live.length]!);
    }
    case "unload":
      return {
        type: "unloadRequested",
        models: action.all ? "all" : chosen(action.mask),
        wait: action.wait,
        at: world.now,
      };
    case "preload": {
      const models = [...chosen(action.mask), ...(action.unknown ? [UNKNOWN_MODEL] : [])];
      return { type: "preloadRequested", models, at: world.now };
    }
    case "tick":
      return world.advance(action.delta);
    case "shutdown":
      return { type: "shutdownRequested", force: action.force, at: world.now };
    case "replaceConfig": {
      const next = new Set(action.config.models.map((m) => m.id));
      const changed = chosen(action.changedMask).filter((id) => next.has(id));
      return { type: "configReplaced", config: action.config, changed, at: world.now };
    }
  }
}

/** Short text for fast-check's command list. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case "replaceConfig":
      return `replaceConfig(${action.config.models.map((m) => m.id).join(",")}, changed ${action.changedMask})`;
    default:
      return `${action.kind}(${Object.entries(action)
        .filter(([k]) => k !== "kind")
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", ")})`;
  }
}

/** A fast-check command wrapping one action; the model and the real system are the same Sim. */
export class ActionCommand implements fc.Command<Sim<unknown>, Sim<unknown>> {
  readonly action: Action;
  constructor(action: Action) {
    this.action = action;
  }
  check(sim: Readonly<Sim<unknown>>): boolean {
    return applicable(sim as Sim<unknown>, this.action);
  }
  run(sim: Sim<unknown>): void {
    sim.apply(eventFor(sim, this.action));
  }
  toString(): string {
    return describeAction(this.action);
  }
}

/** The command arbitrary fast-check draws runs from. */
export const commandArb: fc.Arbitrary<ActionCommand> = actionArb.map((action) => new ActionCommand(action));
