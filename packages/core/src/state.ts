/**
 * The core's whole state: plain, readonly, JSON-serialisable data (no classes, maps or
 * functions), so a failing property run can print it and replay the events that led there.
 * Only `step` produces new states; nothing mutates one.
 */
import type { CoreConfig, CoreModelConfig } from "./config.ts";
import type { StopReason } from "./effects.ts";

/**
 * Where a model's process is in its life:
 * stopped -> pending (its evictees stop) -> starting -> ready -> stopping -> stopped;
 * failed after a failed start (a later request retries it).
 */
export type ModelPhase = "stopped" | "pending" | "starting" | "ready" | "stopping" | "failed";

export interface ModelState {
  readonly id: string;
  readonly phase: ModelPhase;
  /** The instance of the latest `startProcess` (0 = never started); events for others are stale. */
  readonly instance: number;
  /**
   * How many granted requests count against this instance: each grant adds one (the model
   * is ready, and the record takes this `instance`), and a finish or cancel takes it off
   * again while the record still counts (see `countsInFlight`); the process going
   * (`setStopped`) zeroes it while those records stay live for the app to finish. So it
   * equals the granted records of this model and instance while ready or stopping, else 0.
   */
  readonly inFlight: number;
  /**
   * The concurrencyLimit in force at the latest grant. A config reload may lower the limit
   * below what is already in flight; the invariant checks grants against this instead.
   */
  readonly grantLimit: number;
  /** When it last began or finished serving a request, or became ready (TTL and LRU). */
  readonly lastUsedAt: number;
  /** No new grants; stop with `stopReason` as soon as nothing is in flight. */
  readonly draining: boolean;
  /** Why it is draining or stopping; null otherwise. */
  readonly stopReason: StopReason | null;
  /** The stop was issued with requests still in flight (unload without wait, forced shutdown). */
  readonly forcedStop: boolean;
  /** While pending or starting: the models that had to stop first. */
  readonly evictees: readonly string[];
  /**
   * Set when a config reload removed the model while its process still runs: the config it
   * ran with. The model leaves the state once stopped.
   */
  readonly retired: CoreModelConfig | null;
}

export type RequestStatus = "queued" | "granted";

/** The last queuePosition reported for a waiting request, to report only changes. */
export interface ReportedPosition {
  readonly position: number;
  readonly loading: boolean;
}

export interface RequestRecord {
  readonly id: string;
  readonly model: string;
  readonly status: RequestStatus;
  readonly arrivedAt: number;
  /** Arrival order, unique and increasing. */
  readonly seq: number;
  /** The event's priority, or the model's. */
  readonly priority: number;
  /**
   * fifo starvation bound: how often a later request was granted, for a model that has to
   * (or alone may have to) make room for this one's, while this one was the head of the line
   * (see `headOfLine`, and `passedOver` in schedule.ts).
   */
  readonly bypassed: number;
  /** The instance it was granted on (0 while queued). */
  readonly instance: number;
  /** The app confirmed it began forwarding (grantDelivered). */
  readonly delivered: boolean;
  readonly reported: ReportedPosition | null;
}

/**
 * Granted requests by bucket: always GRANTED_BUCKETS arrays, the one at `grantedBucket(id)`
 * (a hash of the id, see granted.ts) holding that request; an empty bucket is `[]`.
 */
export type GrantedTable = readonly (readonly RequestRecord[])[];

export interface State {
  readonly config: CoreConfig;
  /** The latest event time seen. */
  readonly now: number;
  /** Every configured model, plus retired ones still running, by id. */
  readonly models: Readonly<Record<string, ModelState>>;
  /**
   * Waiting requests (status "queued") in arrival order; schedulers derive their own order.
   * Kept as an array of records, not ids, so a step copies one array however long it is.
   */
  readonly queue: readonly RequestRecord[];
  /**
   * Granted requests not yet finished or cancelled (status "granted"), sharded by a hash of
   * the id into a fixed number of buckets (`granted[grantedBucket(id)]` is an array holding
   * it, see granted.ts), so a grant or finish copies the short bucket index and one small
   * bucket, not every granted record.
   */
  readonly granted: GrantedTable;
  /** Models asked for by preloadRequested that have not begun a swap yet, in request order. */
  readonly preloads: readonly string[];
  readonly nextInstance: number;
  readonly nextSeq: number;
  readonly shuttingDown: boolean;
  readonly shutdownForce: boolean;
  /** shutdownComplete was emitted (it is emitted exactly once). */
  readonly shutdownDone: boolean;
  /** The last wakeAt emitted, so an unchanged deadline is not repeated. */
  readonly wakeAt: number | null;
}
