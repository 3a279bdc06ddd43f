/**
 * Everything the core can ask for: commands, carried out by the app's run loop in the
 * order given. Effects whose outcome matters are confirmed by later events, never by a
 * return value:
 * - startProcess  -> processReady | processStartFailed (later perhaps processExited)
 * - stopProcess   -> processStopped
 * - grant         -> grantDelivered (optional), then serveFinished | requestCancelled
 * - wakeAt        -> tick
 */
import type { RejectError } from "./errors.ts";

export type StopReason = "evict" | "ttl" | "unload" | "shutdown" | "reload";

export type Effect =
  /** Spawn the model's process and poll its health; `instance` tags its later events. */
  | { readonly type: "startProcess"; readonly model: string; readonly instance: number }
  /**
   * Stop the process group of `instance` (cmdStop or SIGTERM), SIGKILL after `timeoutMs`.
   * Issued only when no request to the model is in flight, unless reason is "unload"
   * without wait or "shutdown" with force.
   */
  | {
      readonly type: "stopProcess";
      readonly model: string;
      readonly instance: number;
      readonly timeoutMs: number;
      readonly reason: StopReason;
    }
  /** The request may now be forwarded to `model`, which is ready. It counts as in flight. */
  | { readonly type: "grant"; readonly requestId: string; readonly model: string; readonly instance: number }
  /** Answer the request with an error. Each request gets exactly one grant or one reject. */
  | { readonly type: "reject"; readonly requestId: string; readonly error: RejectError }
  /**
   * A waiting request's place changed: `position` counts requests ahead of it in the
   * whole queue (0 = next), `loading` says whether its model is starting.
   */
  | {
      readonly type: "queuePosition";
      readonly requestId: string;
      readonly model: string;
      readonly position: number;
      readonly loading: boolean;
    }
  /** Send a `tick` at (or soon after) time `at`. A later wakeAt supersedes earlier ones. */
  | { readonly type: "wakeAt"; readonly at: number }
  /** After shutdownRequested: every process has stopped and every request is answered. */
  | { readonly type: "shutdownComplete" };

export type EffectType = Effect["type"];
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;

/** Every effect type, at run time (docs and tests check tables against it). */
export const EFFECT_TYPES = [
  "startProcess",
  "stopProcess",
  "grant",
  "reject",
  "queuePosition",
  "wakeAt",
  "shutdownComplete",
] as const satisfies readonly EffectType[];

/** Fails to compile when EFFECT_TYPES misses a member of the union. */
export type EffectTypesComplete = [Exclude<EffectType, (typeof EFFECT_TYPES)[number]>] extends [never]
  ? true
  : never;
export const effectTypesComplete: EffectTypesComplete = true;
