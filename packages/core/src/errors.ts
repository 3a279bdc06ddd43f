/**
 * Failures the core reports as data, in `reject` effects. Code switches on `code`;
 * the message is for people. The core throws only `CoreInvariantError` (a bug).
 */
export type RejectCode =
  /** No model (or alias, resolved by the app) with that id is configured. */
  | "UNKNOWN_MODEL"
  /** The model's process failed to start or to become healthy. */
  | "START_FAILED"
  /** The model was unloaded (API or config reload) while the request waited for it. */
  | "MODEL_UNLOADED"
  /** The proxy is shutting down and accepts no more work. */
  | "SHUTTING_DOWN"
  /** The queue holds `maxQueueLength` requests already. */
  | "QUEUE_FULL"
  /** The model is serving `concurrencyLimit` requests and the config says reject. */
  | "CONCURRENCY_LIMIT"
  /** The model can never be resident (its memory needs exceed a device, or the planner forbids it). */
  | "NEVER_FITS"
  /** The request id was already used by a request that has not been answered. */
  | "DUPLICATE_REQUEST";

export interface RejectError {
  readonly code: RejectCode;
  readonly message: string;
}

/** Base class for errors the core throws. Only invariant breaches throw. */
export class CoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "CoreError";
    this.code = code;
  }
}

/** A state the core must never reach; thrown, never returned, because it is a bug. */
export class CoreInvariantError extends CoreError {
  constructor(message: string) {
    super("CORE_INVARIANT", message);
    this.name = "CoreInvariantError";
  }
}
