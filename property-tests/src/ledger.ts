/**
 * What the outside world knows, folded from the event and effect history alone (never from
 * the core's state): which process instances exist and in which phase, which requests
 * arrived, how each was answered and whether it is still in flight. The invariant monitors
 * judge the core against this ledger, so a core that corrupts its own bookkeeping is still
 * caught.
 *
 * Order of updates within one step (the runner keeps it):
 * 1. `applyEvent(event)`;
 * 2. for each effect, in the order given: monitors look, then `applyEffect(effect)`.
 */
import type { CoreConfig, Effect, Event, Planner, StopReason } from "@hotswap/core";
import { createPlanner } from "@hotswap/core";

/** One `startProcess` instance. */
export interface InstanceFact {
  readonly instance: number;
  readonly model: string;
  /** Memory needs of the model in the config in force when it started. */
  readonly memory: Readonly<Record<string, number>>;
  /** processReady seen. */
  ready: boolean;
  /** A stopProcess was issued for it. */
  stopIssued: boolean;
  stopReason: StopReason | undefined;
  /** processStopped, processStartFailed or processExited seen: it holds nothing any more. */
  gone: boolean;
  /** It was resident when a configReplaced arrived (the new config may forbid it until it goes). */
  legacy: boolean;
  /** A configReplaced changed or removed its model: it runs an old version. */
  stale: boolean;
  /** An unloadRequested with wait:false covered its model while it was resident. */
  forcedUnload: boolean;
}

/** One request id. Ids are never reused by the generators. */
export interface RequestFact {
  readonly id: string;
  readonly model: string;
  /** Arrival order, 0-based over the whole run. */
  readonly seq: number;
  readonly arrivedAt: number;
  /** Number of grant and reject effects naming it. */
  answers: number;
  granted: boolean;
  rejected: boolean;
  instance: number | undefined;
  /** The client went away (requestCancelled). */
  cancelled: boolean;
  /** serveFinished seen. */
  finished: boolean;
}

export class Ledger {
  config: CoreConfig;
  planner: Planner;
  readonly instances = new Map<number, InstanceFact>();
  readonly requests = new Map<string, RequestFact>();
  shutdown = false;
  forceShutdown = false;
  shutdownComplete = false;
  private arrivals = 0;

  constructor(config: CoreConfig) {
    this.config = config;
    this.planner = createPlanner(config);
  }

  applyEvent(event: Event): void {
    switch (event.type) {
      case "requestArrived":
        if (!this.requests.has(event.id)) {
          this.requests.set(event.id, {
            id: event.id,
            model: event.model,
            seq: this.arrivals++,
            arrivedAt: event.at,
            answers: 0,
            granted: false,
            rejected: false,
            instance: undefined,
            cancelled: false,
            finished: false,
          });
        }
        return;
      case "requestCancelled": {
        const request = this.requests.get(event.id);
        if (request) request.cancelled = true;
        return;
      }
      case "serveFinished": {
        const request = this.requests.get(event.id);
        if (request) request.finished = true;
        return;
      }
      case "processReady": {
        const fact = this.instances.get(event.instance);
        if (fact && !fact.gone) fact.ready = true;
        return;
      }
      case "processStartFailed":
      case "processExited":
      case "processStopped": {
        const fact = this.instances.get(event.instance);
        if (fact) fact.gone = true;
        return;
      }
      case "unloadRequested":
        if (!event.wait) {
          for (const fact of this.resident()) {
            if (event.models === "all" || event.models.includes(fact.model)) fact.forcedUnload = true;
          }
        }
        return;
      case "shutdownRequested":
        this.shutdown = true;
        if (event.force) this.forceShutdown = true;
        if (event.force) for (const fact of this.resident()) fact.forcedUnload = true;
        return;
      case "configReplaced":
        this.applyConfig(event.config, event.changed);
        return;
      default:
        return;
    }
  }

  applyEffect(effect: Effect): void {
    switch (effect.type) {
      case "startProcess":
        this.instances.set(effect.instance, {
          instance: effect.instance,
          model: effect.model,
          memory: this.modelConfig(effect.model)?.memory ?? {},
          ready: false,
          stopIssued: false,
          stopReason: undefined,
          gone: false,
          legacy: false,
          stale: false,
          forcedUnload: false,
        });
        return;
      case "stopProcess": {
        const fact = this.instances.get(effect.instance);
        if (fact && !fact.stopIssued) {
          fact.stopIssued = true;
          fact.stopReason = effect.reason;
        }
        return;
      }
      case "grant": {
        const request = this.requests.get(effect.requestId);
        if (request) {
          request.answers++;
          request.granted = true;
          request.instance = effect.instance;
        }
        return;
      }
      case "reject": {
        const request = this.requests.get(effect.requestId);
        if (request) {
          request.answers++;
          request.rejected = true;
        }
        return;
      }
      case "shutdownComplete":
        this.shutdownComplete = true;
        return;
      default:
        return;
    }
  }

  /** Instances holding resources: started and not yet stopped, failed or exited. */
  resident(): InstanceFact[] {
    return [...this.instances.values()].filter((fact) => !fact.gone);
  }

  /** Requests granted to `instance` that have neither finished nor been cancelled. */
  inFlightOn(instance: number): RequestFact[] {
    return [...this.requests.values()].filter(
      (r) => r.granted && r.instance === instance && !r.finished && !r.cancelled,
    );
  }

  /** Requests that arrived and have no answer yet (cancelled ones included). */
  waiting(): RequestFact[] {
    return [...this.requests.values()].filter((r) => r.answers === 0);
  }

  /** Whether `model` has a resident instance that is starting or ready and not being stopped. */
  isStartingOrReady(model: string): boolean {
    return this.resident().some((fact) => fact.model === model && !fact.stopIssued);
  }

  modelConfig(model: string) {
    return this.config.models.find((m) => m.id === model);
  }

  private applyConfig(config: CoreConfig, changed: readonly string[]): void {
    this.config = config;
    this.planner = createPlanner(config);
    const known = new Set(config.models.map((m) => m.id));
    for (const fact of this.resident()) {
      fact.legacy = true;
      if (changed.includes(fact.model) || !known.has(fact.model)) fact.stale = true;
    }
  }
}
