/**
 * Everything the core can be told: past-tense facts. Time (`at`, ms on any monotonic
 * clock the caller chooses) and ids arrive here; the core never reads a clock.
 * `instance` identifies one process start (from the `startProcess` effect), so a late
 * event about an older process of the same model is recognised and ignored.
 */
import type { CoreConfig } from "./config.ts";

export type Event =
  /** A client asked for `model`. `priority` overrides the model's priority when given. */
  | {
      readonly type: "requestArrived";
      readonly id: string;
      readonly model: string;
      readonly at: number;
      readonly priority?: number;
    }
  /** The client went away: a queued request is dropped, a granted one frees its slot. */
  | { readonly type: "requestCancelled"; readonly id: string; readonly at: number }
  /** The app started forwarding a granted request (a confirmation; counting starts at grant). */
  | { readonly type: "grantDelivered"; readonly id: string; readonly at: number }
  /** A granted request finished (successfully or not): its slot is free. */
  | { readonly type: "serveFinished"; readonly id: string; readonly at: number }
  /** The process answered its health check. */
  | { readonly type: "processReady"; readonly model: string; readonly instance: number; readonly at: number }
  /** The process could not be spawned, exited during start, or missed the health timeout. */
  | {
      readonly type: "processStartFailed";
      readonly model: string;
      readonly instance: number;
      readonly at: number;
      readonly message: string;
    }
  /** The process exited without being asked to stop (a crash or a clean exit alike). */
  | {
      readonly type: "processExited";
      readonly model: string;
      readonly instance: number;
      readonly at: number;
      readonly message: string;
    }
  /** A `stopProcess` finished: the process group is gone. */
  | {
      readonly type: "processStopped";
      readonly model: string;
      readonly instance: number;
      readonly at: number;
    }
  /**
   * Unload some models or all. `wait: true` lets in-flight work finish first; `wait: false`
   * stops at once (in-flight requests are cut off by the app). Queued requests for the
   * unloaded models are rejected with MODEL_UNLOADED.
   */
  | {
      readonly type: "unloadRequested";
      readonly models: readonly string[] | "all";
      readonly wait: boolean;
      readonly at: number;
    }
  /** Start these models as if a request had arrived, without queuing a request. */
  | { readonly type: "preloadRequested"; readonly models: readonly string[]; readonly at: number }
  /** Time passed (typically answering a `wakeAt` effect). */
  | { readonly type: "tick"; readonly at: number }
  /**
   * Stop accepting work: queued requests are rejected with SHUTTING_DOWN, models stop once
   * idle (`force: true`: at once). `shutdownComplete` follows when every process is gone.
   */
  | { readonly type: "shutdownRequested"; readonly force: boolean; readonly at: number }
  /**
   * A new configuration. `changed` lists models whose process settings changed: they and
   * removed models are stopped after their in-flight work; queued requests for removed
   * models are rejected with UNKNOWN_MODEL, those for changed models start the new version.
   */
  | {
      readonly type: "configReplaced";
      readonly config: CoreConfig;
      readonly changed: readonly string[];
      readonly at: number;
    };

export type EventType = Event["type"];
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

/** Every event type, at run time (docs and tests check tables against it). */
export const EVENT_TYPES = [
  "requestArrived",
  "requestCancelled",
  "grantDelivered",
  "serveFinished",
  "processReady",
  "processStartFailed",
  "processExited",
  "processStopped",
  "unloadRequested",
  "preloadRequested",
  "tick",
  "shutdownRequested",
  "configReplaced",
] as const satisfies readonly EventType[];

/** Fails to compile when EVENT_TYPES misses a member of the union. */
export type EventTypesComplete = [Exclude<EventType, (typeof EVENT_TYPES)[number]>] extends [never]
  ? true
  : never;
export const eventTypesComplete: EventTypesComplete = true;
