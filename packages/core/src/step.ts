/**
 * The core's transition function. `step(state, event)` returns the next state and the
 * effects to carry out, in order, without carrying them out (XState's habit). Pure and
 * deterministic: the same state and event always give the same result, and the input state
 * is never mutated. Policies (planner, scheduler) are rebuilt from `state.config`, cached
 * per config object, so the state itself stays plain data.
 */
import type { CoreConfig } from "./config.ts";
import { type Draft, draftOf, emptyQueueMemo } from "./draft.ts";
import type { Effect } from "./effects.ts";
import type { Event } from "./events.ts";
import { configReplaced, preloadRequested, shutdownRequested, unloadRequested } from "./handlers/control.ts";
import { processGone, processReady } from "./handlers/processes.ts";
import { grantDelivered, requestArrived, requestCancelled, serveFinished } from "./handlers/requests.ts";
import { perConfig } from "./per-config.ts";
import type { Planner, PlannerFactory } from "./planner.ts";
import { createPlanner } from "./planners/index.ts";
import { settle } from "./schedule.ts";
import { createScheduler } from "./schedulers/index.ts";
import type { Scheduler } from "./schedulers/scheduler.ts";
import type { GrantedTable, State } from "./state.ts";
import type { StepContext } from "./step-context.ts";

export interface StepResult {
  readonly state: State;
  readonly effects: readonly Effect[];
}

export type StepFunction = (state: State, event: Event) => StepResult;

function handle(ctx: StepContext, event: Event): void {
  switch (event.type) {
    case "requestArrived":
      requestArrived(ctx, event);
      break;
    case "requestCancelled":
      requestCancelled(ctx, event);
      break;
    case "grantDelivered":
      grantDelivered(ctx, event);
      break;
    case "serveFinished":
      serveFinished(ctx, event);
      break;
    case "processReady":
      processReady(ctx, event);
      break;
    case "processStartFailed":
    case "processExited":
    case "processStopped":
      processGone(ctx, event);
      break;
    case "unloadRequested":
      unloadRequested(ctx, event);
      break;
    case "preloadRequested":
      preloadRequested(ctx, event);
      break;
    case "shutdownRequested":
      shutdownRequested(ctx, event);
      break;
    case "configReplaced":
      configReplaced(ctx, event);
      break;
    case "tick":
      break;
  }
}

/**
 * The context of one running step. A class, not an object literal with getters: a literal
 * with accessors is built on V8's slow path on every step (fresh closures and accessor
 * pairs), and measured it made young-generation GC promote most of what a step allocated
 * (about half the time of a run of grant/deliver/finish steps went to GC). The getters
 * here live once on the prototype.
 */
class RunningStep implements StepContext {
  readonly d: Draft;
  fresh: object[] | Set<object> | null = null;
  readonly queueMemo = emptyQueueMemo();
  readonly baseGranted: GrantedTable;
  readonly effects: Effect[] = [];
  readonly #plannerFor: (config: CoreConfig) => Planner;
  readonly #schedulerFor: (config: CoreConfig) => Scheduler;

  constructor(
    state: State,
    plannerFor: (config: CoreConfig) => Planner,
    schedulerFor: (config: CoreConfig) => Scheduler,
  ) {
    this.d = draftOf(state);
    this.baseGranted = state.granted;
    this.#plannerFor = plannerFor;
    this.#schedulerFor = schedulerFor;
  }

  // The event may replace the config, so policies are looked up through the draft.
  get planner(): Planner {
    return this.#plannerFor(this.d.config);
  }

  get scheduler(): Scheduler {
    return this.#schedulerFor(this.d.config);
  }
}

/** A step function using `plannerFactory` (tests pass tiny planners; `step` uses the real ones). */
export function createStep(plannerFactory: PlannerFactory): StepFunction {
  const plannerFor = perConfig<Planner>(plannerFactory);
  const schedulerFor = perConfig<Scheduler>((config) => createScheduler(config.scheduler));
  return (state, event) => {
    const ctx = new RunningStep(state, plannerFor, schedulerFor);
    const { d } = ctx;
    d.now = Math.max(d.now, event.at);
    handle(ctx, event);
    settle(ctx);
    return { state: d, effects: ctx.effects };
  };
}

/** Pure. The next state and the effects to carry out, using the configured planner and scheduler. */
export const step: StepFunction = createStep(createPlanner);
