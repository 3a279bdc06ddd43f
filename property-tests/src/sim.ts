/**
 * One simulated run: a machine (the core), the world around it, the ledger of what the world
 * saw and the invariant monitors. `apply` feeds one event through the machine, lets every
 * monitor judge the step (see `invariants/monitor.ts` for the hook order), hands the effects
 * to the world and throws on the first violation with the readable run so far.
 */
import type { CoreConfig, Effect, Event } from "@hotswap/core";
import { InvariantViolationError, StepThrewError } from "./errors.ts";
import { formatRun, type HistoryEntry } from "./format.ts";
import type { InvariantFamily, Monitor } from "./invariants/monitor.ts";
import { Ledger } from "./ledger.ts";
import type { Machine } from "./machine.ts";
import { World } from "./world.ts";

/** Most reactions `settle` delivers before it gives up on reaching quiet. */
const SETTLE_LIMIT = 500;
/** The idle period at the end of every run: longer than any generated TTL or wait bound. */
export const LONG_IDLE_MS = 3_600_000;

interface Watch {
  readonly family: InvariantFamily;
  readonly monitor: Monitor;
}

export class Sim<S> {
  readonly world = new World();
  readonly ledger: Ledger;
  readonly history: HistoryEntry[] = [];
  readonly initialConfig: CoreConfig;
  private readonly machine: Machine<S>;
  private readonly watches: readonly Watch[];
  private state: S;
  private requestCount = 0;

  constructor(machine: Machine<S>, config: CoreConfig, families: readonly InvariantFamily[]) {
    this.machine = machine;
    this.initialConfig = config;
    this.ledger = new Ledger(config);
    this.state = machine.init(config);
    const context = {
      config,
      selfCheck: (state: unknown) => machine.selfCheck(state as S),
      replay: (events: readonly Event[]) => replayEffects(machine, config, events),
    };
    this.watches = families.map((family) => ({ family, monitor: family.create(context) }));
  }

  /** Steps taken so far (events fed to the machine). */
  get steps(): number {
    return this.history.length;
  }

  get config(): CoreConfig {
    return this.ledger.config;
  }

  /** A fresh request id: r1, r2, ... */
  nextRequestId(): string {
    this.requestCount += 1;
    return `r${this.requestCount}`;
  }

  /** Feeds one event through the machine and every monitor; throws on a violation. */
  apply(event: Event): void {
    const index = this.history.length + 1;
    const before = this.state;
    this.check(index, (m) => m.beforeStep?.(event, this.ledger));
    this.ledger.applyEvent(event);
    let transition: { readonly state: S; readonly effects: readonly Effect[] };
    try {
      transition = this.machine.step(before, event);
    } catch (error) {
      this.history.push({ event, effects: undefined });
      throw new StepThrewError(index, error, formatRun(this.initialConfig, this.history));
    }
    this.history.push({ event, effects: transition.effects });
    this.state = transition.state;
    for (const effect of transition.effects) {
      this.check(index, (m) => m.onEffect?.(effect, this.ledger));
      this.ledger.applyEffect(effect);
    }
    const view = { index, event, effects: transition.effects, stateBefore: before, state: transition.state };
    this.check(index, (m) => m.afterStep?.(view, this.ledger));
    this.world.observe(transition.effects);
  }

  /**
   * Drives the world to quiet and then through a long idle period:
   * 1. delivers pending reactions oldest first with the happy outcome (ready, served);
   * 2. once quiet, one tick LONG_IDLE_MS later (every TTL has run out by then), and 1 again;
   * 3. runs every `onEnd` hook. At most SETTLE_LIMIT reactions in all; `quiet` is false
   *    when that limit cut it short.
   */
  settle(): void {
    let delivered = this.drain(0);
    if (this.world.isQuiet()) {
      this.apply(this.world.advance(LONG_IDLE_MS));
      delivered = this.drain(delivered);
    }
    this.end(this.world.isQuiet());
  }

  private drain(delivered: number): number {
    let count = delivered;
    while (!this.world.isQuiet() && count < SETTLE_LIMIT) {
      this.apply(this.world.deliver(0, 0));
      count += 1;
    }
    return count;
  }

  /** Runs every `onEnd` hook; `quiet` says whether the world reached quiet. */
  end(quiet: boolean): void {
    this.check(0, (m) => m.onEnd?.(this.ledger, quiet));
  }

  private check(index: number, look: (monitor: Monitor) => readonly string[] | undefined): void {
    for (const watch of this.watches) {
      const problems = look(watch.monitor);
      if (problems && problems.length > 0) {
        throw new InvariantViolationError(
          watch.family.id,
          index,
          problems,
          formatRun(this.initialConfig, this.history),
        );
      }
    }
  }
}

/** Runs `events` through a fresh machine and returns each step's effects. */
export function replayEffects<S>(
  machine: Machine<S>,
  config: CoreConfig,
  events: readonly Event[],
): (readonly Effect[])[] {
  let state = machine.init(config);
  return events.map((event) => {
    const next = machine.step(state, event);
    state = next.state;
    return next.effects;
  });
}

/**
 * Replays a fixed event list under the given families (for scenario and regression tests).
 * The world follows along (`World.consume`), so `settle()` may carry on afterwards.
 * Returns the Sim so the test can inspect effects; throws like `apply` on a violation.
 */
export function replay<S>(
  machine: Machine<S>,
  config: CoreConfig,
  events: readonly Event[],
  families: readonly InvariantFamily[],
): Sim<S> {
  const sim = new Sim(machine, config, families);
  for (const event of events) {
    sim.world.consume(event);
    sim.apply(event);
  }
  return sim;
}
