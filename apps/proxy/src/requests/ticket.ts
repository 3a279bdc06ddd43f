/**
 * A request's place in the run loop, seen from the HTTP side: created before
 * `requestArrived`, settled by the `grant` or `reject` executor.
 *
 * Lifecycle: waiting -> granted -> finished, or waiting -> rejected, or waiting -> cancelled.
 * `close` reports exactly one closing event per admitted request (serveFinished or
 * requestCancelled), whichever path gets there first.
 */
import { ClientClosedError, type HttpError } from "../http/errors.ts";

export interface Grant {
  readonly model: string;
  readonly instance: number;
}

export interface QueueProgress {
  readonly position: number;
  readonly loading: boolean;
}

export type TicketState = "waiting" | "granted" | "rejected" | "cancelled" | "finished";

export class Ticket {
  readonly id: string;
  /** The configured model id the request resolved to. */
  readonly model: string;
  #state: TicketState = "waiting";
  #grant: Grant | null = null;
  #error: HttpError | null = null;
  #promise: Promise<Grant> | null = null;
  #resolve: ((grant: Grant) => void) | null = null;
  #reject: ((err: HttpError) => void) | null = null;
  /** Called on every `queuePosition` effect while waiting. */
  onProgress: ((progress: QueueProgress) => void) | null = null;

  constructor(id: string, model: string) {
    this.id = id;
    this.model = model;
  }

  /**
   * The outcome as a promise: resolves with the grant, rejects with the HTTP error (or
   * ClientClosedError once cancelled). Created on first read: a request granted in the
   * same step it arrived in (the common case, a loaded model) never needs one, and skipping
   * it saves a promise, its rejection guard and a microtask per request.
   */
  get promise(): Promise<Grant> {
    if (this.#promise === null) {
      if (this.#grant !== null) this.#promise = Promise.resolve(this.#grant);
      else if (this.#error !== null) this.#promise = Promise.reject(this.#error);
      else
        this.#promise = new Promise<Grant>((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      // A rejected ticket nobody awaits (client already gone) must not crash the process.
      this.#promise.catch(() => {});
    }
    return this.#promise;
  }

  /** The error, once rejected. */
  get error(): HttpError | null {
    return this.#error;
  }

  get state(): TicketState {
    return this.#state;
  }

  /** From the grant executor. false when the ticket no longer waits (the caller frees the slot). */
  grant(grant: Grant): boolean {
    if (this.#state !== "waiting") return false;
    this.#state = "granted";
    this.#grant = grant;
    this.#resolve?.(grant);
    return true;
  }

  /** From the reject executor. */
  reject(err: HttpError): void {
    if (this.#state !== "waiting") return;
    this.#state = "rejected";
    this.#error = err;
    this.#reject?.(err);
  }

  progress(progress: QueueProgress): void {
    if (this.#state === "waiting") this.onProgress?.(progress);
  }

  /**
   * The client went away or the serve ended. Returns the closing event to dispatch, or null
   * when none is due (not granted and not waiting, or already closed).
   * - waiting  -> "requestCancelled" (the core drops the queued request)
   * - granted  -> "serveFinished" if `completed`, else "requestCancelled"
   */
  close(completed: boolean): "serveFinished" | "requestCancelled" | null {
    if (this.#state === "waiting") {
      this.#state = "cancelled";
      // Settle the promise so the waiting handler returns instead of hanging on to the request.
      this.#error = new ClientClosedError();
      this.#reject?.(this.#error);
      return "requestCancelled";
    }
    if (this.#state === "granted") {
      this.#state = completed ? "finished" : "cancelled";
      return completed ? "serveFinished" : "requestCancelled";
    }
    return null;
  }
}

/** Live tickets by request id. */
export class TicketRegistry {
  readonly #tickets = new Map<string, Ticket>();
  #next = 0;

  create(model: string): Ticket {
    this.#next += 1;
    const ticket = new Ticket(`req-${this.#next}`, model);
    this.#tickets.set(ticket.id, ticket);
    return ticket;
  }

  get(id: string): Ticket | undefined {
    return this.#tickets.get(id);
  }

  delete(id: string): void {
    this.#tickets.delete(id);
  }

  get size(): number {
    return this.#tickets.size;
  }
}
