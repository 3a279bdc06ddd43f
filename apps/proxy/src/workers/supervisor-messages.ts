/**
 * The supervisor's typed surface, shared by the main thread and the supervisor worker.
 *
 * Everything here is plain data so it crosses `postMessage` unchanged. Failures travel as
 * `{ code, message }` data, never as thrown errors (comlink drops an Error's class and code).
 */
import type { MessagePort } from "node:worker_threads";

/** Replaced in `stopArgv` by the main process's pid (llama-swap's cmdStop placeholder). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal placeholder text is the point.
export const PID_PLACEHOLDER = "${PID}";

/** One process to run: a model's server, identified by `model` + `instance`. */
export interface ProcessSpec {
  readonly model: string;
  /** Identifies this start; every later event for the process carries it. */
  readonly instance: number;
  /** Program and arguments, already split (argv[0] is the program). */
  readonly argv: readonly string[];
  /** Merged onto the supervisor's own `process.env`. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Polled until it answers 200; `null` means ready as soon as the process is spawned. */
  readonly checkUrl: string | null;
  /** Start fails (`startFailed`, code `HEALTH_TIMEOUT`) if not healthy within this time. */
  readonly healthCheckTimeoutMs: number;
  /**
   * cmdStop, already split; every `PID_PLACEHOLDER` (`${PID}`) in it is replaced by the main process's pid.
   * `null` means SIGTERM to the whole process group.
   */
  readonly stopArgv: readonly string[] | null;
  /** Default grace period before SIGKILL when `close()` stops this process. */
  readonly unloadTimeoutMs: number;
}

/** Why a start failed. */
export type StartFailureCode =
  /** The program could not be spawned (missing binary, bad cwd, ...). */
  | "SPAWN_FAILED"
  /** The process exited before its health check passed. */
  | "EXITED_DURING_START"
  /** The health check did not answer 200 within `healthCheckTimeoutMs`. */
  | "HEALTH_TIMEOUT"
  /** The supervisor worker died while the process was starting. */
  | "SUPERVISOR_DIED";

/** Fields every event carries. `at` is `Date.now()` when the supervisor saw the fact. */
interface EventBase {
  readonly model: string;
  readonly instance: number;
  readonly at: number;
}

/**
 * What the supervisor reports. Ordering guarantees, per `model` + `instance`:
 * 1. `spawned` (if spawning worked) comes first, `log` events may follow at any time.
 *    `answering` (at most once) comes after `spawned` and before any of the events below.
 * 2. Then exactly one of `ready` or `startFailed`, unless `stop` was called first.
 * 3. After `ready`: `exited` if the process dies without being asked to.
 * 4. After `stop` is called, the only further non-log event is `stopped` (no `ready`,
 *    `startFailed` or `exited`). `stopped` and `exited` are sent only once no process of
 *    the group is left (zombies aside), so the port is free again.
 * 5. `startFailed`, `exited` and `stopped` are final: nothing follows them, except that a
 *    later `stop` of a finished (or unknown) instance is still answered with `stopped`, so a
 *    caller waiting for `stopped` after a race with an exit is never left hanging.
 * 6. `startFailed` (after spawning) and `exited` also come only once the group is gone.
 */
export type SupervisorEvent =
  /** The process is running with this pid (also its process group id). */
  | (EventBase & { readonly type: "spawned"; readonly pid: number })
  /**
   * The health check got its first HTTP answer that is not a 200: the server accepts
   * connections but is not ready yet. At most once, before `ready`; not sent when the first
   * answer is already a 200, nor without a health check.
   */
  | (EventBase & { readonly type: "answering" })
  /** The health check answered 200 (or there is none). */
  | (EventBase & { readonly type: "ready" })
  /** The start failed; `lastLines` are the process's last output lines. */
  | (EventBase & {
      readonly type: "startFailed";
      readonly code: StartFailureCode;
      readonly message: string;
      readonly lastLines: readonly string[];
    })
  /** A ready process exited unasked; its group has been killed and is gone. */
  | (EventBase & {
      readonly type: "exited";
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly message: string;
      readonly lastLines: readonly string[];
    })
  /** A `stop` finished: no process of the group is left. */
  | (EventBase & { readonly type: "stopped" })
  /** One line the process wrote. */
  | (EventBase & { readonly type: "log"; readonly stream: "stdout" | "stderr"; readonly line: string });

export type SupervisorEventType = SupervisorEvent["type"];

/**
 * The API the worker exposes over comlink. Commands resolve when accepted or finished as
 * documented; outcomes arrive as events on the port given to `init`.
 */
export interface SupervisorWorkerApi {
  /** Sweeps orphans recorded in `recordFile` (if any), then starts sending events on `events`. */
  init(events: MessagePort, recordFile: string | null): Promise<void>;
  /** Spawns the process; resolves once spawned or failed to spawn. */
  start(spec: ProcessSpec): Promise<void>;
  /** Stops one process; resolves after its `stopped` event was sent. Unknown ones stop at once. */
  stop(model: string, instance: number, timeoutMs: number): Promise<void>;
  /** Stops every process; `timeoutMs` null = each one's `unloadTimeoutMs`. */
  stopAll(timeoutMs: number | null): Promise<void>;
}
