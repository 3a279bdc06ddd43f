/**
 * One undici Pool (keep-alive connections) per upstream origin, created on first use, plus
 * at most one spare connection per origin, opened before any request needs it.
 *
 * Why a spare, and how it is handed over: http/spare-connection.ts. A spare is used once or
 * not at all, and never keeps the process alive (unref'd until handed over). It is closed by
 * `drop` / `closeAll` (the process went away), `idleMs` after `expireSpare` (the model is
 * ready and no request took it), and replaced by a fresh one every `refreshMs` while the
 * model loads: servers close connections that stay idle (5 s in llama-server, uvicorn and
 * Node), and a spare must not be handed over just as the server closes it. One the server
 * closes anyway is not used (a fresh connect is made instead) and is reopened if it lived
 * `refreshMs / 3` or more (so a server that closes at once causes no connect loop).
 */
import type { ResolvedConfig } from "@hotswap/config";
import { Pool } from "undici";
import { type ConnectOptions, type Connector, SpareConnection } from "./spare-connection.ts";
import { type OpenUploadChannel, UploadThread } from "./upload-thread.ts";
import { upstreamBase } from "./upstream-base.ts";
import { UPSTREAM_POOL_OPTIONS, upstreamConnector } from "./upstream-pool-options.ts";

export interface SpareTimings {
  /** An untaken spare is closed this long after `expireSpare` (a waiting request is forwarded within ms). */
  readonly idleMs: number;
  /** A spare is replaced this often while the model loads (below common 5 s idle timeouts). */
  readonly refreshMs: number;
}

export const DEFAULT_SPARE_TIMINGS: SpareTimings = { idleMs: 1_000, refreshMs: 3_000 };

/** Pure. The connector options undici passes for `origin` (see undici's client connect). */
function connectOptionsFor(origin: string): ConnectOptions {
  const url = new URL(origin);
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { host: url.host, hostname, protocol: url.protocol, port: url.port };
}

export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  readonly #connectors = new Map<string, Connector>();
  readonly #spares = new Map<string, SpareConnection>();
  readonly #timings: SpareTimings;
  readonly #openUploads: OpenUploadChannel | undefined;
  #uploads: UploadThread | null = null;

  constructor(timings: SpareTimings = DEFAULT_SPARE_TIMINGS, openUploads?: OpenUploadChannel) {
    this.#timings = timings;
    this.#openUploads = openUploads;
  }

  /**
   * The connections for leased (large) bodies, in the upload thread (upload-thread.ts); the
   * thread itself starts with the first such body.
   */
  get uploads(): UploadThread {
    this.#uploads ??= new UploadThread(this.#openUploads);
    return this.#uploads;
  }

  /** The pool for `origin`; `connectTimeoutMs` (0 = none) applies when it is created. */
  get(origin: string, connectTimeoutMs = 0): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      // The connector undici builds by default (its own 10 s timeout when 0), behind the spare.
      const connector = upstreamConnector(connectTimeoutMs);
      this.#connectors.set(origin, connector);
      pool = new Pool(origin, {
        ...UPSTREAM_POOL_OPTIONS,
        connect: (options, callback) => {
          const spare = this.#spares.get(origin);
          if (spare === undefined) return connector(options, callback);
          this.#spares.delete(origin);
          return spare.take(options, callback);
        },
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * Opens a spare connection to `origin` (plain http only) for the pool's next connection,
   * unless one is open or the pool already holds a connection. Call once the server answers
   * HTTP; a spare that fails is simply replaced by a fresh connect when taken.
   */
  preconnect(origin: string, connectTimeoutMs = 0): void {
    if (this.#spares.has(origin) || !origin.startsWith("http:")) return;
    const pool = this.get(origin, connectTimeoutMs);
    const connector = this.#connectors.get(origin);
    if (connector === undefined || pool.stats.connected > 0) return;
    const { refreshMs } = this.#timings;
    const replace = (spare: SpareConnection): void => {
      if (this.#spares.get(origin) !== spare) return;
      this.#spares.delete(origin);
      spare.close();
      this.preconnect(origin, connectTimeoutMs);
    };
    let spare: SpareConnection;
    try {
      spare = new SpareConnection(connector, connectOptionsFor(origin), refreshMs, {
        onRefresh: () => replace(spare),
        onLost: () => {
          if (this.#spares.get(origin) !== spare) return;
          if (!spare.expiring && Date.now() - spare.openedAt >= refreshMs / 3) replace(spare);
          else this.#spares.delete(origin);
        },
      });
    } catch {
      return; // Only an optimisation: the first request connects as it always did.
    }
    this.#spares.set(origin, spare);
  }

  /** The model is ready: its spare, if no request takes it within `idleMs`, is closed. */
  expireSpare(origin: string): void {
    const spare = this.#spares.get(origin);
    spare?.expireIn(this.#timings.idleMs, () => {
      if (this.#spares.get(origin) === spare) this.#spares.delete(origin);
    });
  }

  /** Drops idle connections to an origin whose process went away (a later one reconnects). */
  async drop(origin: string): Promise<void> {
    this.#closeSpare(origin);
    this.#uploads?.drop(origin);
    const pool = this.#pools.get(origin);
    if (!pool) return;
    this.#pools.delete(origin);
    this.#connectors.delete(origin);
    await pool.close().catch(() => {});
  }

  async closeAll(): Promise<void> {
    for (const origin of [...this.#spares.keys()]) this.#closeSpare(origin);
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    this.#connectors.clear();
    const uploads = this.#uploads;
    this.#uploads = null;
    await Promise.all([...pools.map((p) => p.destroy().catch(() => {})), uploads?.close()]);
  }

  /** How many spare connections are open (tests, diagnostics). */
  get spareCount(): number {
    return this.#spares.size;
  }

  #closeSpare(origin: string): void {
    this.#spares.get(origin)?.close();
    this.#spares.delete(origin);
  }
}

/**
 * The pool's side of a model process's life (see supervisor-events.ts): forwarding is
 * readied as the process comes up, and its connections are dropped when it goes.
 */
export interface UpstreamLifecycle {
  /** The process was spawned: create its pool now, off the path of its first request. */
  spawned(model: string): void;
  /** Its server answers HTTP (not yet healthy): open a connection for the first request. */
  answering(model: string): void;
  /** It is ready: a connection opened for it that no request takes soon is closed. */
  ready(model: string): void;
  /** It stopped, exited or failed to start: its keep-alive sockets point at a dead server. */
  gone(model: string): void;
}

/** The lifecycle for the models of the current config (read at each call: reloads move models). */
export function upstreamLifecycle(pools: UpstreamPools, config: () => ResolvedConfig): UpstreamLifecycle {
  const target = (model: string): { origin: string; connectMs: number } | null => {
    const models = config().models;
    const m = Object.hasOwn(models, model) ? models[model] : undefined;
    if (!m) return null;
    try {
      return { origin: upstreamBase(m.proxy).origin, connectMs: m.timeouts.connectMs };
    } catch {
      return null;
    }
  };
  return {
    spawned(model) {
      const t = target(model);
      if (t) pools.get(t.origin, t.connectMs);
    },
    answering(model) {
      const t = target(model);
      if (t) pools.preconnect(t.origin, t.connectMs);
    },
    ready(model) {
      const t = target(model);
      if (t) pools.expireSpare(t.origin);
    },
    gone(model) {
      const t = target(model);
      if (t) void pools.drop(t.origin);
    },
  };
}
