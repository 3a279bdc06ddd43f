/**
 * One connection to a model's server opened before any request needs it, for the pool's
 * first connection (http/upstream-pools.ts: when it is opened, refreshed and closed).
 *
 * Why: the request that waited for a model to start used to open its connection only when
 * forwarded, after the grant. Connecting costs the main thread ~0.1-0.3 ms
 * (undici's connector, the connect syscall, which Node runs in a nextTick) plus an event
 * loop turn for the connect event, and the upstream must accept before it reads: ~0.4-0.6 ms
 * of the 1.7-4.4 ms from the model's first 200 to the request arriving (bench:swap
 * `200->req`). Connecting when the 200 reaches the main thread does not help (measured): the
 * same work lands on the same thread just before the grant. So the spare is opened earlier,
 * when the health check first gets an HTTP answer (the server accepts connections, it is
 * just not ready), and the pool's connector hands it to the first connection the pool makes.
 */
import type { Socket } from "node:net";
import type { buildConnector } from "undici";

export type Connector = ReturnType<typeof buildConnector>;
export type ConnectOptions = Parameters<Connector>[0];
type ConnectCallback = Parameters<Connector>[1];

/**
 * One connection opened before any request needs it. Connected or still connecting when
 * taken; either way the taker's callback gets it once connected, or a fresh connection if
 * the spare failed or was closed meanwhile.
 */
export class SpareConnection {
  readonly #socket: Socket;
  readonly #fallback: Connector;
  readonly openedAt = Date.now();
  #timer: NodeJS.Timeout | null = null;
  #expiring = false;
  #connected = false;
  #failed = false;
  /** Taken or closed here: its socket's fate is no longer this spare's business. */
  #done = false;
  /** The connector call waiting for this spare to connect (taken while connecting). */
  #waiter: { readonly options: ConnectOptions; readonly callback: ConnectCallback } | null = null;

  /**
   * `onLost` runs if the socket closes while the spare is still unused (the server closed
   * it, or connecting failed); `onRefresh` runs `refreshMs` after opening if still unused.
   */
  constructor(
    connector: Connector,
    options: ConnectOptions,
    refreshMs: number,
    hooks: { onLost(): void; onRefresh(): void },
  ) {
    this.#fallback = connector;
    // undici's connector returns the socket it made (its types say void).
    this.#socket = connector(options, (...args) => this.#onConnect(args[0] === null)) as unknown as Socket;
    this.#socket.unref();
    this.#socket.once("close", () => {
      this.#failed = true;
      if (!this.#done) hooks.onLost();
    });
    this.#arm(refreshMs, () => hooks.onRefresh());
  }

  get expiring(): boolean {
    return this.#expiring;
  }

  /**
   * Closes the spare in `ms` unless taken first, then runs `onExpired` (replaces the
   * refresh; later calls change nothing).
   */
  expireIn(ms: number, onExpired: () => void): void {
    if (this.#expiring || this.#done) return;
    this.#expiring = true;
    this.#arm(ms, () => {
      this.close();
      onExpired();
    });
  }

  /**
   * Hands the spare to a connector call: `callback` gets it once connected (a microtask
   * later if it already is), or a fresh connection when the spare failed or was closed.
   * Returns the socket that `callback` will get, if known now.
   */
  take(options: ConnectOptions, callback: ConnectCallback): Socket | undefined {
    this.#finish();
    if (!this.#usable()) {
      this.#discard();
      return this.#fallback(options, callback) as Socket | undefined;
    }
    if (!this.#connected) {
      this.#waiter = { options, callback };
      return this.#socket;
    }
    queueMicrotask(() => this.#handOver(options, callback));
    return this.#socket;
  }

  /** Closes the spare, unused. */
  close(): void {
    this.#finish();
    this.#discard();
  }

  #arm(ms: number, run: () => void): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(run, ms);
    this.#timer.unref();
  }

  #finish(): void {
    this.#done = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #onConnect(ok: boolean): void {
    this.#connected = ok;
    if (!ok) this.#failed = true;
    const waiter = this.#waiter;
    this.#waiter = null;
    if (waiter) this.#handOver(waiter.options, waiter.callback);
  }

  /** A spare the server closed, or that already has bytes (a timeout answer, say), is not sent on. */
  #usable(): boolean {
    const s = this.#socket;
    return !this.#failed && !s.destroyed && !s.readableEnded && s.readableLength === 0;
  }

  #handOver(options: ConnectOptions, callback: ConnectCallback): void {
    if (!this.#usable()) {
      this.#discard();
      this.#fallback(options, callback);
      return;
    }
    this.#socket.ref();
    callback(null, this.#socket);
  }

  #discard(): void {
    if (!this.#socket.destroyed) this.#socket.destroy();
  }
}
