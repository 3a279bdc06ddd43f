/**
 * The run loop: the only place that calls the core's `step` and carries out its effects.
 *
 * Ordering guarantees:
 * 1. Events are applied one at a time, in the order `dispatch` was called.
 * 2. For each event: `step`, store the new state, then run its effects in the order given.
 * 3. An event dispatched while effects run (an executor's, or a re-entrant caller's) is
 *    queued and applied after the current event's effects have all run.
 * 4. `dispatch` returns once the queue is empty, so after `dispatch(requestArrived)` any
 *    immediate grant or reject has already been delivered.
 */
import type { Effect, EffectOf, EffectType, Event } from "@hotswap/core";

export type StepFn<S> = (
  state: S,
  event: Event,
) => { readonly state: S; readonly effects: readonly Effect[] };

/** One executor per effect kind. Executors must not throw; a throw is logged and skipped. */
export type EffectExecutors = { readonly [K in EffectType]: (effect: EffectOf<K>) => void };

export interface RunLoopHooks {
  /** An executor threw: the effect is lost but the loop goes on. */
  onExecutorError(effect: Effect, err: unknown): void;
  /** `step` threw (a core invariant broke): the event is dropped, the state is unchanged. */
  onStepError(event: Event, err: unknown): void;
  /** Observes every applied event and the effects it produced (debug logging). */
  onStep?(event: Event, effects: readonly Effect[]): void;
}

export class RunLoop<S> {
  readonly #step: StepFn<S>;
  readonly #hooks: RunLoopHooks;
  #state: S;
  #executors: EffectExecutors | null = null;
  readonly #queue: Event[] = [];
  #draining = false;

  constructor(step: StepFn<S>, initial: S, hooks: RunLoopHooks) {
    this.#step = step;
    this.#state = initial;
    this.#hooks = hooks;
  }

  /** Set once, before the first dispatch (executors need the loop to dispatch, hence not in the constructor). */
  setExecutors(executors: EffectExecutors): void {
    this.#executors = executors;
  }

  /** The core state after the last applied event. Read-only by contract. */
  get state(): S {
    return this.#state;
  }

  dispatch(event: Event): void {
    if (this.#draining) {
      this.#queue.push(event);
      return;
    }
    this.#draining = true;
    try {
      // Nearly every event meets an empty queue: it is applied without a trip through it
      // (an event left queued by a throw above goes first, as it would have).
      if (this.#queue.length === 0) this.#apply(event);
      else this.#queue.push(event);
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        this.#apply(next);
      }
    } finally {
      this.#draining = false;
    }
  }

  #apply(event: Event): void {
    const executors = this.#executors;
    if (!executors) throw new Error("RunLoop.dispatch before setExecutors");
    let result: ReturnType<StepFn<S>>;
    try {
      result = this.#step(this.#state, event);
    } catch (err) {
      this.#hooks.onStepError(event, err);
      return;
    }
    this.#state = result.state;
    this.#hooks.onStep?.(event, result.effects);
    for (const effect of result.effects) {
      try {
        (executors[effect.type] as (e: Effect) => void)(effect);
      } catch (err) {
        this.#hooks.onExecutorError(effect, err);
      }
    }
  }
}
