/**
 * Main-thread side of the supervisor: starts the worker that owns every child process,
 * forwards its events, and recovers if the worker dies.
 *
 * If the worker dies unexpectedly:
 * 1. every process group it reported is SIGKILLed, and waited for until gone;
 * 2. each of its processes is reported: starting -> `startFailed` (SUPERVISOR_DIED),
 *    running -> `exited`, stopping -> `stopped`;
 * 3. a new worker starts; its `init` sweeps the record file, catching any process spawned
 *    too late to be reported.
 */
import { MessageChannel, Worker } from "node:worker_threads";
import { type Remote, transfer, wrap } from "comlink";
import { nodeEndpoint } from "./comlink-node.ts";
import { killGroupAndWait, signalGroup } from "./process-group.ts";
import {
  InstanceAlreadyStartedError,
  SupervisorClosedError,
  SupervisorInitError,
} from "./supervisor-errors.ts";
import type { ProcessSpec, SupervisorEvent, SupervisorWorkerApi } from "./supervisor-messages.ts";

export interface SupervisorOptions {
  /** Receives every event, in order per process. Must not throw. */
  readonly onEvent: (event: SupervisorEvent) => void;
  /** Where spawned process groups are recorded for `sweepOrphans`; null = not recorded. */
  readonly recordFile: string | null;
}

export interface Supervisor {
  /**
   * Spawns a process; resolves once the worker took it. Outcome: `ready` or `startFailed`.
   * Throws if that model + instance is running (a caller bug) or the supervisor is closed.
   */
  start(spec: ProcessSpec): Promise<void>;
  /** Stops one process; resolves after its `stopped` event was delivered to `onEvent`. */
  stop(model: string, instance: number, timeoutMs: number): Promise<void>;
  /** Stops every process with this SIGKILL grace time; resolves when all are gone. */
  stopAll(timeoutMs: number): Promise<void>;
  /** Stops every process (each with its `unloadTimeoutMs`), then ends the worker. */
  close(): Promise<void>;
  /** For tests and diagnostics: kills the worker thread as if it had crashed. */
  terminateWorker(): Promise<void>;
  /** How many times the worker was restarted after dying. */
  readonly restarts: number;
}

type Phase = "starting" | "running" | "stopping";

interface Tracked {
  readonly spec: ProcessSpec;
  pgid: number | null;
  phase: Phase;
}

interface Generation {
  readonly worker: Worker;
  readonly api: Remote<SupervisorWorkerApi>;
  /** Resolves when this worker has exited, for whatever reason. */
  readonly dead: Promise<void>;
}

const keyOf = (model: string, instance: number): string => `${model}\u0000${instance}`;

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const tracked = new Map<string, Tracked>();
  const stopWaiters = new Map<string, Array<() => void>>();
  let closing = false;
  let closed = false;
  let restarts = 0;
  /** The worker commands go to; while recovering, the one being started. */
  let current: Promise<Generation>;
  let live: Generation | null = null;

  const deliver = (event: SupervisorEvent): void => {
    try {
      options.onEvent(event);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  };

  const handleEvent = (event: SupervisorEvent): void => {
    const key = keyOf(event.model, event.instance);
    const t = tracked.get(key);
    if (event.type === "spawned" && t) t.pgid = event.pid;
    if (event.type === "ready" && t && t.phase === "starting") t.phase = "running";
    const final = event.type === "startFailed" || event.type === "exited" || event.type === "stopped";
    if (final) tracked.delete(key);
    deliver(event);
    if (event.type === "stopped") {
      const waiters = stopWaiters.get(key) ?? [];
      stopWaiters.delete(key);
      for (const w of waiters) w();
    }
  };

  // The worker's children survive the worker: kill them if the whole process goes down.
  const onProcessExit = (): void => {
    for (const t of tracked.values()) if (t.pgid !== null) signalGroup(t.pgid, "SIGKILL");
  };
  process.on("exit", onProcessExit);

  const boot = (): Generation => {
    const worker = new Worker(new URL("./supervisor.worker.ts", import.meta.url));
    const api = wrap<SupervisorWorkerApi>(nodeEndpoint(worker));
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (event: SupervisorEvent) => handleEvent(event));
    const dead = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.on("error", () => {
      // Followed by "exit", handled below; without a listener the error would crash the main thread.
    });
    const next: Generation = { worker, api, dead };
    void dead.then(() => {
      // Events still queued from the dead worker are dropped: recover() reports for them.
      port1.close();
      if (!closing && live === next) void recover(next);
    });
    void api
      .init(transfer(port2, [port2] as unknown as Parameters<typeof transfer>[1]), options.recordFile)
      .catch(() => {});
    live = next;
    return next;
  };

  const recover = async (deadGen: Generation): Promise<void> => {
    let resolveNext: (g: Generation) => void = () => {};
    current = new Promise((resolve) => {
      resolveNext = resolve;
    });
    const lost = [...tracked.entries()];
    tracked.clear();
    await Promise.all(lost.flatMap(([, t]) => (t.pgid === null ? [] : [killGroupAndWait(t.pgid)])));
    for (const [, t] of lost) {
      const base = { model: t.spec.model, instance: t.spec.instance, at: Date.now() };
      const message = "supervisor worker died";
      if (t.phase === "stopping") handleEvent({ ...base, type: "stopped" });
      else if (t.phase === "starting") {
        handleEvent({ ...base, type: "startFailed", code: "SUPERVISOR_DIED", message, lastLines: [] });
      } else
        handleEvent({ ...base, type: "exited", exitCode: null, signal: "SIGKILL", message, lastLines: [] });
    }
    if (closing) return resolveNext(deadGen);
    restarts++;
    resolveNext(boot());
  };

  /** Runs a command on the current worker; resolves undefined instead if that worker dies. */
  const call = async <T>(fn: (api: Remote<SupervisorWorkerApi>) => Promise<T>): Promise<T | undefined> => {
    const g = await current;
    return Promise.race([fn(g.api), g.dead.then(() => undefined)]);
  };

  const stop = (model: string, instance: number, timeoutMs: number): Promise<void> => {
    if (closed) return Promise.resolve();
    const key = keyOf(model, instance);
    const t = tracked.get(key);
    if (t) t.phase = "stopping";
    const done = new Promise<void>((resolve) => {
      stopWaiters.set(key, [...(stopWaiters.get(key) ?? []), resolve]);
    });
    // The worker rejects only if its init failed, so it has no processes: report the stop.
    call((api) => api.stop(model, instance, timeoutMs)).catch(() =>
      handleEvent({ model, instance, type: "stopped", at: Date.now() }),
    );
    return done;
  };

  current = Promise.resolve(boot());

  return {
    async start(spec: ProcessSpec): Promise<void> {
      if (closing) throw new SupervisorClosedError();
      const key = keyOf(spec.model, spec.instance);
      if (tracked.has(key)) throw new InstanceAlreadyStartedError(spec.model, spec.instance);
      tracked.set(key, { spec, pgid: null, phase: "starting" });
      try {
        await call((api) => api.start(spec));
      } catch (err) {
        tracked.delete(key);
        // The worker rejects commands only when its init failed.
        throw new SupervisorInitError((err as Error).message);
      }
    },
    stop,
    async stopAll(timeoutMs: number): Promise<void> {
      await Promise.all([...tracked.values()].map((t) => stop(t.spec.model, t.spec.instance, timeoutMs)));
    },
    async close(): Promise<void> {
      await Promise.all(
        [...tracked.values()].map((t) => stop(t.spec.model, t.spec.instance, t.spec.unloadTimeoutMs)),
      );
      closing = true;
      await (await current).worker.terminate();
      closed = true;
      process.off("exit", onProcessExit);
    },
    async terminateWorker(): Promise<void> {
      const g = await current;
      await g.worker.terminate();
      await g.dead;
    },
    get restarts() {
      return restarts;
    },
  };
}
