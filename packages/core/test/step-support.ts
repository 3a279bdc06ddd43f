/**
 * Shared helpers for the step tests: small configs, two tiny planners (so step behaviour is
 * tested apart from the real planners), and a driver that records every effect.
 */
import type { CoreConfig, CoreModelConfig, SchedulerConfig } from "../src/config.ts";
import type { Effect, EffectOf, EffectType } from "../src/effects.ts";
import type { Event } from "../src/events.ts";
import { grantedRecords } from "../src/granted.ts";
import { initialState } from "../src/initial-state.ts";
import { checkInvariants, createInvariantChecker } from "../src/invariants.ts";
import { countsInFlight } from "../src/models.ts";
import type { Planner, PlannerFactory } from "../src/planner.ts";
import type { State } from "../src/state.ts";
import { createStep, type StepFunction, step } from "../src/step.ts";

export function model(id: string, over: Partial<CoreModelConfig> = {}): CoreModelConfig {
  return { id, concurrencyLimit: 1, ttlMs: 0, priority: 0, unloadTimeoutMs: 5000, memory: {}, ...over };
}

export const fifo: Extract<SchedulerConfig, { kind: "fifo" }> = { kind: "fifo", maxBypass: 0, maxWaitMs: 0 };
export const serial: SchedulerConfig = { kind: "serial" };

export function config(models: readonly CoreModelConfig[], over: Partial<CoreConfig> = {}): CoreConfig {
  return {
    models,
    planner: { kind: "serial" },
    devices: {},
    scheduler: fifo,
    globalTtlMs: 0,
    maxQueueLength: 0,
    onConcurrencyLimit: "queue",
    ...over,
  };
}

/** Exactly one model resident at a time: every other resident (not stopping) is evicted. */
export const oneAtATime: PlannerFactory = (): Planner => ({
  plan: (_target, resident) => ({
    ok: true,
    evict: resident.filter((r) => r.phase !== "stopping").map((r) => r.id),
  }),
  allows: (models) => models.length <= 1,
});

/** Everything fits together, except the model named "huge", which never fits. */
export const everythingFits: PlannerFactory = (): Planner => ({
  plan: (target) => (target === "huge" ? { ok: false, message: "huge never fits" } : { ok: true, evict: [] }),
  allows: (models) => !models.includes("huge"),
});

/**
 * Drives one core: sends events, keeps the state, records effects, and fails the test as
 * soon as a step breaks an invariant or mutates its input.
 */
export class Driver {
  state: State;
  readonly log: Effect[] = [];
  now = 0;
  readonly #step: StepFunction;
  readonly #check: (s: State) => string[];
  #answered = 0;

  constructor(cfg: CoreConfig, planner: PlannerFactory | "real" = oneAtATime) {
    this.state = initialState(cfg);
    this.#step = planner === "real" ? step : createStep(planner);
    this.#check = planner === "real" ? checkInvariants : createInvariantChecker(planner);
  }

  send(event: Event): Effect[] {
    this.now = Math.max(this.now, event.at);
    const before = JSON.stringify(this.state);
    const { state, effects } = this.#step(this.state, event);
    if (JSON.stringify(this.state) !== before) throw new Error(`step mutated its input on ${event.type}`);
    const broken = this.#check(state);
    if (broken.length > 0) throw new Error(`after ${event.type}: ${broken.join("; ")}`);
    this.state = state;
    this.log.push(...effects);
    return [...effects];
  }

  arrive(id: string, model: string, at = this.now, priority?: number): Effect[] {
    return this.send({
      type: "requestArrived",
      id,
      model,
      at,
      ...(priority === undefined ? {} : { priority }),
    });
  }
  ready(model: string, at = this.now): Effect[] {
    return this.send({ type: "processReady", model, instance: this.instanceOf(model), at });
  }
  stopped(model: string, at = this.now): Effect[] {
    return this.send({ type: "processStopped", model, instance: this.instanceOf(model), at });
  }
  finish(id: string, at = this.now): Effect[] {
    return this.send({ type: "serveFinished", id, at });
  }
  tick(at: number): Effect[] {
    return this.send({ type: "tick", at });
  }
  instanceOf(model: string): number {
    return this.state.models[model]?.instance ?? 0;
  }
  phase(model: string): string | undefined {
    return this.state.models[model]?.phase;
  }
  /**
   * The requests counted in flight on `model`, from the granted records (those on its current
   * instance while it is ready or stopping), in arrival order. The invariants checked after
   * every step hold the model's count equal to their number.
   */
  inFlightIds(model: string): string[] {
    const m = this.state.models[model];
    return grantedRecords(this.state.granted)
      .filter((r) => r.model === model && countsInFlight(m, r.instance))
      .sort((a, b) => a.seq - b.seq)
      .map((r) => r.id);
  }
  count<T extends EffectType>(type: T, where: (e: EffectOf<T>) => boolean = () => true): number {
    return of(this.log, type).filter(where).length;
  }

  /**
   * Answer effects like a well-behaved app until nothing is left: starts become ready,
   * stops complete, grants finish (in grant order). Returns the request ids in grant order.
   */
  autopilot(): string[] {
    const granted: string[] = [];
    const pending: Event[] = [];
    const collect = (): void => {
      for (const e of this.log.slice(this.#answered)) {
        const at = this.now;
        if (e.type === "startProcess")
          pending.push({ type: "processReady", model: e.model, instance: e.instance, at });
        if (e.type === "stopProcess")
          pending.push({ type: "processStopped", model: e.model, instance: e.instance, at });
        if (e.type === "grant") {
          granted.push(e.requestId);
          pending.push({ type: "serveFinished", id: e.requestId, at });
        }
      }
      this.#answered = this.log.length;
    };
    collect();
    for (let guard = 0; pending.length > 0 && guard < 10_000; guard += 1) {
      this.send(pending.shift()!);
      collect();
    }
    return granted;
  }
}

/** The effects of one type from a list. */
export function of<T extends EffectType>(effects: readonly Effect[], type: T): EffectOf<T>[] {
  return effects.filter((e): e is EffectOf<T> => e.type === type);
}

/** The reject code each rejected request got. */
export function rejections(effects: readonly Effect[]): Record<string, string> {
  return Object.fromEntries(of(effects, "reject").map((e) => [e.requestId, e.error.code]));
}
