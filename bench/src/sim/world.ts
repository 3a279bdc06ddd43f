/**
 * A discrete-event world around the core: it plays the app's part. Arrivals come from a
 * trace; each effect becomes a timed fact (startProcess -> processReady after the model's
 * load time, stopProcess -> processStopped after its stop time, grant -> grantDelivered at
 * once and serveFinished after the service time, wakeAt -> tick). When nothing is left to
 * happen it asks for a graceful shutdown and expects shutdownComplete.
 *
 * The world also watches the core keep its contract (one answer per request, grants only to
 * ready instances within the concurrency limit, no stop with work in flight, draining) and
 * lists every breach in `anomalies` instead of throwing, so a bench run shows them all.
 *
 * Deterministic: the only randomness is the seeded load/stop jitter.
 */
import { type CoreConfig, type Effect, type Event, initialState, step } from "@hotswap/core";
import { EventQueue } from "./event-queue.ts";
import { mulberry32, type Random } from "./prng.ts";
import {
  DEFAULT_WORLD_OPTIONS,
  type RequestOutcome,
  type RunRecord,
  type WorldOptions,
} from "./run-record.ts";
import type { Trace, TraceModel, TraceRequest } from "./traces.ts";

type Happening =
  | { readonly kind: "arrive"; readonly request: TraceRequest }
  | { readonly kind: "ready"; readonly model: string; readonly instance: number }
  | { readonly kind: "stopped"; readonly model: string; readonly instance: number }
  | { readonly kind: "delivered"; readonly id: string }
  | { readonly kind: "finished"; readonly id: string };

interface Process {
  readonly model: TraceModel;
  readonly instance: number;
  phase: "starting" | "ready" | "stopping";
  inFlight: number;
}

/** The two functions the world drives; the real core by default, a broken one in tests. */
export interface CoreFunctions<S> {
  initialState(config: CoreConfig): S;
  step(state: S, event: Event): { readonly state: S; readonly effects: readonly Effect[] };
}

/** Replays `trace` through the core under `config` and records what happened. */
export function simulate(
  config: CoreConfig,
  trace: Trace,
  options: WorldOptions = DEFAULT_WORLD_OPTIONS,
): RunRecord {
  return simulateWith({ initialState, step }, config, trace, options);
}

/** `simulate` with the core given explicitly (tests hand it a deliberately broken one). */
export function simulateWith<S>(
  core: CoreFunctions<S>,
  config: CoreConfig,
  trace: Trace,
  options: WorldOptions = DEFAULT_WORLD_OPTIONS,
): RunRecord {
  return new World(core, config, trace, options).run();
}

class World<S> {
  readonly #core: CoreFunctions<S>;
  readonly #options: WorldOptions;
  readonly #random: Random;
  readonly #models: Map<string, TraceModel>;
  readonly #agenda = new EventQueue<Happening>();
  readonly #outcomes = new Map<string, RequestOutcome>();
  readonly #services = new Map<string, number>();
  readonly #processes = new Map<string, Process>();
  readonly #grantedOn = new Map<string, Process>();
  readonly #anomalies: string[] = [];
  #state: S;
  #now = 0;
  #wake: number | undefined;
  #grants = 0;
  #starts = 0;
  #stops = 0;
  #steps = 0;
  #effects = 0;
  #queuePositions = 0;
  #stepWallMs = 0;
  #shutdownComplete = false;

  constructor(core: CoreFunctions<S>, config: CoreConfig, trace: Trace, options: WorldOptions) {
    this.#core = core;
    this.#options = options;
    this.#random = mulberry32(options.seed);
    this.#models = new Map(trace.models.map((m) => [m.id, m]));
    this.#state = core.initialState(config);
    trace.requests.forEach((request, arrivalIndex) => {
      this.#agenda.push(request.at, { kind: "arrive", request });
      this.#services.set(request.id, request.serviceMs);
      this.#outcomes.set(request.id, {
        id: request.id,
        model: request.model,
        arrivedAt: request.at,
        arrivalIndex,
      });
    });
  }

  run(): RunRecord {
    let shutdownSent = false;
    while (this.#steps < this.#options.maxSteps) {
      const next = this.#nextEvent();
      if (next !== undefined) {
        this.#feed(next);
        continue;
      }
      if (shutdownSent) break;
      const unanswered = this.#unanswered();
      if (unanswered.length > 0) {
        this.#anomaly(
          `did not drain: nothing left to happen but ${unanswered.length} request(s) unanswered (${unanswered.slice(0, 5).join(", ")})`,
        );
      }
      shutdownSent = true;
      this.#feed({ type: "shutdownRequested", force: false, at: this.#now });
    }
    if (this.#steps >= this.#options.maxSteps) {
      this.#anomaly(`did not drain: cut off after ${this.#steps} steps at t=${this.#now} ms`);
    } else if (!this.#shutdownComplete) {
      this.#anomaly("no shutdownComplete after a graceful shutdown with nothing in flight");
    }
    return {
      requests: [...this.#outcomes.values()],
      starts: this.#starts,
      stops: this.#stops,
      steps: this.#steps,
      effects: this.#effects,
      queuePositions: this.#queuePositions,
      stepWallMs: this.#stepWallMs,
      shutdownComplete: this.#shutdownComplete,
      anomalies: this.#anomalies,
    };
  }

  /** The next core event in time order; a due tick goes after facts due at the same time. */
  #nextEvent(): Event | undefined {
    const wake = this.#wake;
    const due = this.#agenda.peekAt();
    if (wake !== undefined && (due === undefined || wake < due)) {
      this.#wake = undefined;
      this.#now = wake;
      return { type: "tick", at: wake };
    }
    const top = this.#agenda.pop();
    if (top === undefined) return undefined;
    this.#now = top.at;
    return this.#toEvent(top.item);
  }

  #toEvent(h: Happening): Event | undefined {
    const at = this.#now;
    switch (h.kind) {
      case "arrive":
        return { type: "requestArrived", id: h.request.id, model: h.request.model, at };
      case "ready": {
        // A process told to stop while starting never reports ready.
        const process = this.#processes.get(key(h.model, h.instance));
        if (process === undefined || process.phase !== "starting") return this.#nextEvent();
        process.phase = "ready";
        return { type: "processReady", model: h.model, instance: h.instance, at };
      }
      case "stopped":
        this.#processes.delete(key(h.model, h.instance));
        return { type: "processStopped", model: h.model, instance: h.instance, at };
      case "delivered":
        return { type: "grantDelivered", id: h.id, at };
      case "finished": {
        const process = this.#grantedOn.get(h.id);
        if (process !== undefined) process.inFlight--;
        this.#grantedOn.delete(h.id);
        this.#outcomes.get(h.id)!.finishedAt = at;
        return { type: "serveFinished", id: h.id, at };
      }
    }
  }

  #feed(event: Event): void {
    const started = performance.now();
    const result = this.#core.step(this.#state, event);
    this.#stepWallMs += performance.now() - started;
    this.#steps++;
    this.#state = result.state;
    for (const effect of result.effects) this.#apply(effect);
  }

  #apply(effect: Effect): void {
    this.#effects++;
    switch (effect.type) {
      case "startProcess":
        this.#start(effect.model, effect.instance);
        return;
      case "stopProcess":
        this.#stop(effect.model, effect.instance, effect.reason);
        return;
      case "grant":
        this.#grant(effect.requestId, effect.model, effect.instance);
        return;
      case "reject":
        this.#reject(effect.requestId, effect.error.code);
        return;
      case "queuePosition":
        this.#queuePositions++;
        return;
      case "wakeAt":
        // Only the latest wakeAt counts (effects.ts); one in the past fires now.
        this.#wake = Math.max(effect.at, this.#now);
        return;
      case "shutdownComplete":
        this.#shutdownComplete = true;
        return;
    }
  }

  #start(modelId: string, instance: number): void {
    this.#starts++;
    const model = this.#models.get(modelId);
    if (model === undefined) {
      this.#anomaly(`startProcess for unknown model ${modelId}`);
      return;
    }
    const live = [...this.#processes.values()].filter((p) => p.model.id === modelId);
    if (live.length > 0) {
      this.#anomaly(`startProcess ${modelId}#${instance} while #${live[0]!.instance} lives`);
    }
    this.#processes.set(key(modelId, instance), { model, instance, phase: "starting", inFlight: 0 });
    this.#agenda.push(this.#now + this.#jittered(model.loadMs), { kind: "ready", model: modelId, instance });
  }

  #stop(modelId: string, instance: number, reason: string): void {
    this.#stops++;
    const process = this.#processes.get(key(modelId, instance));
    if (process === undefined || process.phase === "stopping") {
      this.#anomaly(`stopProcess ${modelId}#${instance} (${reason}) for no live process`);
      return;
    }
    if (process.inFlight > 0 && reason !== "unload" && reason !== "shutdown") {
      this.#anomaly(`stopProcess ${modelId}#${instance} (${reason}) with ${process.inFlight} in flight`);
    }
    process.phase = "stopping";
    const stopAt = this.#now + this.#jittered(process.model.stopMs);
    this.#agenda.push(stopAt, { kind: "stopped", model: modelId, instance });
  }

  #grant(id: string, modelId: string, instance: number): void {
    const outcome = this.#outcomes.get(id);
    if (outcome === undefined) {
      this.#anomaly(`grant for unknown request ${id}`);
      return;
    }
    if (answered(outcome)) {
      this.#anomaly(`second answer (grant) for ${id}`);
      return;
    }
    if (outcome.model !== modelId) this.#anomaly(`grant of ${id} (for ${outcome.model}) to ${modelId}`);
    const process = this.#processes.get(key(modelId, instance));
    if (process?.phase !== "ready") {
      this.#anomaly(`grant of ${id} to ${modelId}#${instance}, which is ${process?.phase ?? "not running"}`);
    }
    outcome.grantedAt = this.#now;
    outcome.grantIndex = this.#grants++;
    if (process !== undefined) {
      process.inFlight++;
      this.#grantedOn.set(id, process);
      if (process.inFlight > process.model.concurrencyLimit) {
        this.#anomaly(
          `${modelId} has ${process.inFlight} in flight, limit ${process.model.concurrencyLimit}`,
        );
      }
    }
    this.#agenda.push(this.#now, { kind: "delivered", id });
    this.#agenda.push(this.#now + this.#services.get(id)!, { kind: "finished", id });
  }

  #reject(id: string, code: string): void {
    const outcome = this.#outcomes.get(id);
    if (outcome === undefined) {
      this.#anomaly(`reject for unknown request ${id}`);
      return;
    }
    if (answered(outcome)) {
      this.#anomaly(`second answer (reject ${code}) for ${id}`);
      return;
    }
    outcome.rejectedAt = this.#now;
    outcome.rejectCode = code;
  }

  #jittered(ms: number): number {
    const spread = this.#options.jitter * (2 * this.#random() - 1);
    return Math.max(1, Math.round(ms * (1 + spread)));
  }

  #unanswered(): string[] {
    return [...this.#outcomes.values()].filter((o) => !answered(o)).map((o) => o.id);
  }

  #anomaly(message: string): void {
    this.#anomalies.push(`t=${this.#now} ms: ${message}`);
  }
}

function answered(outcome: RequestOutcome): boolean {
  return outcome.grantedAt !== undefined || outcome.rejectedAt !== undefined;
}

function key(model: string, instance: number): string {
  return `${model}#${instance}`;
}
