/**
 * A simulated world around the core: processes that start, crash and stop, clients whose
 * granted requests are delivered and finish, and a clock that only moves forward. It
 * answers every effect with pending reactions; which pending reaction happens next (and
 * how it turns out) is chosen by the caller, i.e. by fast-check, so every interleaving of
 * world reactions and new client events is reachable.
 *
 * Reactions, per the effect contract:
 * - startProcess(I)  -> start: processReady | processStartFailed; after ready, `crash` may
 *   deliver processExited (only for a ready instance that is not being stopped);
 * - stopProcess(I)   -> stop: processStopped (once per instance, also for one that already
 *   failed or exited: the app finds its group gone at once);
 * - grant(R)         -> deliver: grantDelivered (or, now and then, straight to serveFinished:
 *   the confirmation is optional), then finish: serveFinished | requestCancelled;
 * - wakeAt(t)        -> wake: tick at max(now, t) (a later wakeAt replaces the pending one).
 * Races kept on purpose: a start outcome may still arrive after stopProcess was issued (the
 * health check answered first); it never arrives after processStopped.
 */
import type { Effect, Event } from "@hotswap/core";

export type Reaction =
  | { readonly kind: "start"; readonly model: string; readonly instance: number }
  | { readonly kind: "stop"; readonly model: string; readonly instance: number }
  | { readonly kind: "deliver"; readonly requestId: string }
  | { readonly kind: "finish"; readonly requestId: string }
  | { readonly kind: "wake"; readonly at: number };

interface LiveProcess {
  readonly model: string;
  ready: boolean;
  stopping: boolean;
}

/** Outcome choice: `variant` (0-99) below this is the happy outcome. */
const READY_BELOW = 80;
const FINISH_BELOW = 85;
const DELIVER_BELOW = 90;

export class World {
  now = 0;
  readonly pending: Reaction[] = [];
  /** Processes that have not exited, failed or stopped. */
  private readonly live = new Map<number, LiveProcess>();
  /** Instances whose processStopped is pending or delivered. */
  private readonly stopReported = new Set<number>();
  /** Requests the client still waits on or is being served: not finished, cancelled or rejected. */
  private readonly open = new Set<string>();
  /** Every request id that arrived, in order. */
  private readonly arrived: string[] = [];

  /** Registers the reactions the effects call for. */
  observe(effects: readonly Effect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case "startProcess":
          this.live.set(effect.instance, { model: effect.model, ready: false, stopping: false });
          this.pending.push({ kind: "start", model: effect.model, instance: effect.instance });
          break;
        case "stopProcess": {
          if (this.stopReported.has(effect.instance)) break;
          this.stopReported.add(effect.instance);
          const process = this.live.get(effect.instance);
          if (process) process.stopping = true;
          this.pending.push({ kind: "stop", model: effect.model, instance: effect.instance });
          break;
        }
        case "grant":
          this.pending.push({ kind: "deliver", requestId: effect.requestId });
          break;
        case "reject":
          this.open.delete(effect.requestId);
          break;
        case "wakeAt": {
          const index = this.pending.findIndex((r) => r.kind === "wake");
          if (index >= 0) this.pending.splice(index, 1);
          this.pending.push({ kind: "wake", at: effect.at });
          break;
        }
        default:
          break;
      }
    }
  }

  /** A client request begins; returns its event. */
  arrive(id: string, model: string, priority: number | undefined): Event {
    this.open.add(id);
    this.arrived.push(id);
    return priority === undefined
      ? { type: "requestArrived", id, model, at: this.now }
      : { type: "requestArrived", id, model, at: this.now, priority };
  }

  /** Requests a client could still cancel, in arrival order. */
  openRequests(): string[] {
    return [...this.open];
  }

  /** Requests already finished, cancelled or rejected: a late cancel for one is a stale event. */
  closedRequests(): string[] {
    return this.arrived.filter((id) => !this.open.has(id));
  }

  /** The client of `id` goes away: its pending delivery and finish are dropped. */
  cancel(id: string): Event {
    this.open.delete(id);
    this.dropReactionsOf(id);
    return { type: "requestCancelled", id, at: this.now };
  }

  /** Ready instances that are not being stopped: the ones that can crash. */
  crashable(): number[] {
    return [...this.live].flatMap(([instance, p]) => (p.ready && !p.stopping ? [instance] : []));
  }

  crash(instance: number): Event {
    const process = this.live.get(instance);
    if (!process) throw new Error(`world: instance ${instance} is not live`);
    this.live.delete(instance);
    return { type: "processExited", model: process.model, instance, at: this.now, message: "crashed" };
  }

  /** Time passes by `delta` ms. */
  advance(delta: number): Event {
    this.now += delta;
    return { type: "tick", at: this.now };
  }

  /** Turns pending reaction number `pick` (modulo the count) into its event. */
  deliver(pick: number, variant: number): Event {
    const [reaction] = this.pending.splice(pick % this.pending.length, 1);
    if (!reaction) throw new Error("world: nothing pending");
    switch (reaction.kind) {
      case "start":
        return this.startOutcome(reaction.model, reaction.instance, variant < READY_BELOW);
      case "stop":
        this.live.delete(reaction.instance);
        this.removePending((r) => r.kind === "start" && r.instance === reaction.instance);
        return { type: "processStopped", model: reaction.model, instance: reaction.instance, at: this.now };
      case "deliver":
        if (variant >= DELIVER_BELOW) {
          // grantDelivered is optional: the request may finish before it is ever confirmed.
          this.open.delete(reaction.requestId);
          return { type: "serveFinished", id: reaction.requestId, at: this.now };
        }
        this.pending.push({ kind: "finish", requestId: reaction.requestId });
        return { type: "grantDelivered", id: reaction.requestId, at: this.now };
      case "finish":
        this.open.delete(reaction.requestId);
        return variant < FINISH_BELOW
          ? { type: "serveFinished", id: reaction.requestId, at: this.now }
          : { type: "requestCancelled", id: reaction.requestId, at: this.now };
      case "wake":
        this.now = Math.max(this.now, reaction.at);
        return { type: "tick", at: this.now };
    }
  }

  /**
   * Records that `event` happened without the world having chosen it (a replayed event
   * list): its pending reaction, if any, is used up and the world's bookkeeping follows, so
   * `deliver` can carry on from there.
   */
  consume(event: Event): void {
    this.now = Math.max(this.now, event.at);
    switch (event.type) {
      case "requestArrived":
        this.open.add(event.id);
        this.arrived.push(event.id);
        return;
      case "requestCancelled":
        this.open.delete(event.id);
        this.dropReactionsOf(event.id);
        return;
      case "grantDelivered":
        this.removePending((r) => r.kind === "deliver" && r.requestId === event.id);
        this.pending.push({ kind: "finish", requestId: event.id });
        return;
      case "serveFinished":
        this.open.delete(event.id);
        this.dropReactionsOf(event.id);
        return;
      case "processReady":
      case "processStartFailed": {
        this.removePending((r) => r.kind === "start" && r.instance === event.instance);
        const process = this.live.get(event.instance);
        if (process && event.type === "processReady") process.ready = true;
        else this.live.delete(event.instance);
        return;
      }
      case "processExited":
        this.live.delete(event.instance);
        return;
      case "processStopped":
        this.live.delete(event.instance);
        this.stopReported.add(event.instance);
        this.removePending((r) => (r.kind === "start" || r.kind === "stop") && r.instance === event.instance);
        return;
      case "tick":
        this.removePending((r) => r.kind === "wake" && r.at <= event.at);
        return;
      default:
        return;
    }
  }

  isQuiet(): boolean {
    return this.pending.length === 0;
  }

  private startOutcome(model: string, instance: number, ready: boolean): Event {
    const process = this.live.get(instance);
    if (ready) {
      if (process) process.ready = true;
      return { type: "processReady", model, instance, at: this.now };
    }
    this.live.delete(instance);
    return { type: "processStartFailed", model, instance, at: this.now, message: "health check failed" };
  }

  private dropReactionsOf(id: string): void {
    this.removePending((r) => (r.kind === "deliver" || r.kind === "finish") && r.requestId === id);
  }

  private removePending(match: (r: Reaction) => boolean): void {
    for (let i = this.pending.length - 1; i >= 0; i--) if (match(this.pending[i]!)) this.pending.splice(i, 1);
  }
}
