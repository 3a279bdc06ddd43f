/**
 * Owns child processes: spawn, health check, log capture, stop, and the event stream.
 * Plain module (no thread APIs) so tests drive it directly; the worker only wraps it.
 *
 * Every process is spawned detached (its own process group, pgid = pid) and is always
 * ended by signalling the whole group, so grandchildren never outlive it.
 */
import { Nudge, pollHealth } from "./health-poll.ts";
import { readProcStat, signalGroup, waitGroupGone } from "./process-group.ts";
import type { ProcessRecordFile } from "./process-record.ts";
import { type Child, readLines, spawnChild } from "./process-spawn.ts";
import { terminateGroup } from "./process-terminate.ts";
import type { ProcessSpec, StartFailureCode, SupervisorEvent } from "./supervisor-messages.ts";

/** How many of a process's last output lines `startFailed` / `exited` carry. */
export const LAST_LINES = 30;
/** Output may still be in the pipes when the group is gone; wait at most this for EOF. */
const DRAIN_LIMIT_MS = 500;

type Phase = "starting" | "running" | "ending" | "done";

interface Managed {
  readonly spec: ProcessSpec;
  readonly key: string;
  pid: number | null;
  phase: Phase;
  stopRequested: boolean;
  readonly lines: string[];
  readonly health: AbortController;
  /** Output while starting triggers an early health check. */
  readonly nudge: Nudge;
  exit: { code: number | null; signal: string | null } | null;
  /** Settles when the spawned process (the group leader) exits: the stop path waits on it. */
  readonly exited: Promise<void>;
  markExited: () => void;
  drained: Promise<void>;
  /** Settles when the process is done and its final event was emitted. */
  readonly done: Promise<void>;
  markDone: () => void;
}

export interface ProcessHostOptions {
  readonly emit: (event: SupervisorEvent) => void;
  readonly record: ProcessRecordFile | null;
}

const keyOf = (model: string, instance: number): string => `${model}\u0000${instance}`;

function newManaged(spec: ProcessSpec, key: string): Managed {
  let markDone = (): void => {};
  const done = new Promise<void>((resolve) => {
    markDone = resolve;
  });
  let markExited = (): void => {};
  const exited = new Promise<void>((resolve) => {
    markExited = resolve;
  });
  return {
    spec,
    key,
    pid: null,
    phase: "starting",
    stopRequested: false,
    lines: [],
    health: new AbortController(),
    nudge: new Nudge(),
    exit: null,
    exited,
    markExited,
    drained: Promise.resolve(),
    done,
    markDone,
  };
}

export class ProcessHost {
  readonly #emit: (event: SupervisorEvent) => void;
  readonly #record: ProcessRecordFile | null;
  readonly #procs = new Map<string, Managed>();

  constructor(options: ProcessHostOptions) {
    this.#emit = options.emit;
    this.#record = options.record;
  }

  /**
   * Spawns `spec` and starts its health check. Registers the process before returning, so a
   * `stop` issued right after always finds it. Outcomes arrive as events. Throws if this
   * model + instance is already started (instances are never reused).
   */
  start(spec: ProcessSpec): void {
    const key = keyOf(spec.model, spec.instance);
    // A caller bug, not a process failure: an event here would end the running instance's story.
    if (this.#procs.has(key)) throw new Error(`${spec.model}#${spec.instance} is already started`);
    const m = newManaged(spec, key);
    this.#procs.set(key, m);
    let child: Child;
    try {
      child = spawnChild(spec);
    } catch (err) {
      this.#finish(m, "startFailed", "SPAWN_FAILED", `cannot spawn: ${(err as Error).message}`);
      return;
    }
    if (child.pid === undefined) {
      void child.then((result) =>
        this.#finish(
          m,
          "startFailed",
          "SPAWN_FAILED",
          `cannot spawn: ${result.shortMessage ?? result.message}`,
        ),
      );
      return;
    }
    this.#attach(m, child, child.pid);
    void this.#checkHealth(m);
  }

  /** Records the spawned process, reports it, and wires its output and exit. */
  #attach(m: Managed, child: Child, pid: number): void {
    m.pid = pid;
    const { spec } = m;
    const base = { model: spec.model, instance: spec.instance };
    this.#record?.add({
      pgid: pid,
      model: spec.model,
      instance: spec.instance,
      startedAt: Date.now(),
      startTicks: readProcStat(pid)?.startTicks ?? null,
    });
    this.#emit({ ...base, type: "spawned", at: Date.now(), pid });
    const onLine = (stream: "stdout" | "stderr") => (line: string) => {
      m.lines.push(line);
      if (m.lines.length > LAST_LINES) m.lines.shift();
      this.#emit({ ...base, type: "log", at: Date.now(), stream, line });
      if (m.phase === "starting") m.nudge.nudge();
    };
    m.drained = Promise.all([
      readLines(child.stdout, onLine("stdout")),
      readLines(child.stderr, onLine("stderr")),
    ]).then(() => {});
    // execa's promise settles only after the pipes close (grandchildren may hold them): use "exit".
    void child.then(undefined, () => {});
    child.nodeChildProcess.once("exit", (code, signal) => this.#onExit(m, code, signal));
  }

  async #checkHealth(m: Managed): Promise<void> {
    const { checkUrl, healthCheckTimeoutMs } = m.spec;
    const outcome =
      checkUrl === null
        ? "healthy"
        : await pollHealth(checkUrl, healthCheckTimeoutMs, m.health.signal, m.nudge, () =>
            this.#answering(m),
          );
    if (m.phase !== "starting") return;
    if (outcome === "healthy") {
      m.phase = "running";
      this.#emit({ model: m.spec.model, instance: m.spec.instance, type: "ready", at: Date.now() });
    } else if (outcome === "timeout") {
      this.#finish(
        m,
        "startFailed",
        "HEALTH_TIMEOUT",
        `not healthy within ${healthCheckTimeoutMs} ms (${checkUrl})`,
      );
    }
  }

  /** The server answers but is not ready: the main thread can open a connection already. */
  #answering(m: Managed): void {
    if (m.phase !== "starting") return;
    this.#emit({ model: m.spec.model, instance: m.spec.instance, type: "answering", at: Date.now() });
  }

  #onExit(m: Managed, code: number | null, signal: string | null): void {
    m.exit = { code, signal };
    m.markExited();
    const how = signal === null ? `code ${code}` : `signal ${signal}`;
    if (m.phase === "starting")
      this.#finish(m, "startFailed", "EXITED_DURING_START", `exited with ${how} during start`);
    else if (m.phase === "running") this.#finish(m, "exited", null, `exited with ${how}`);
  }

  /**
   * Ends a failed or exited process: kills what is left of its group, waits until the group
   * is gone and the output is drained, then emits the final event (or `stopped` if a stop
   * was requested meanwhile).
   */
  #finish(m: Managed, kind: "startFailed" | "exited", code: StartFailureCode | null, message: string): void {
    if (m.phase === "ending" || m.phase === "done") return;
    m.phase = "ending";
    m.health.abort();
    void (async () => {
      if (m.pid !== null) {
        signalGroup(m.pid, "SIGKILL");
        await waitGroupGone(m.pid, null, m.exited);
        await this.#drain(m);
      }
      const base = { model: m.spec.model, instance: m.spec.instance, at: Date.now() };
      if (m.stopRequested) this.#emit({ ...base, type: "stopped" });
      else if (kind === "startFailed") {
        this.#emit({
          ...base,
          type: "startFailed",
          code: code ?? "EXITED_DURING_START",
          message,
          lastLines: [...m.lines],
        });
      } else {
        const exit = m.exit ?? { code: null, signal: null };
        this.#emit({
          ...base,
          type: "exited",
          exitCode: exit.code,
          signal: exit.signal,
          message,
          lastLines: [...m.lines],
        });
      }
      this.#forget(m);
    })();
  }

  async #drain(m: Managed): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DRAIN_LIMIT_MS);
    });
    await Promise.race([m.drained, limit]);
    clearTimeout(timer);
  }

  #forget(m: Managed): void {
    m.phase = "done";
    this.#procs.delete(m.key);
    if (m.pid !== null) this.#record?.remove(m.pid);
    m.markDone();
  }

  /**
   * Stops one process: cmdStop (with the pid placeholder replaced) if given, else SIGTERM to the group; SIGKILL
   * to the group after `timeoutMs`. Resolves after `stopped` was emitted, which happens only
   * once the group is gone. An unknown instance gets `stopped` at once.
   */
  async stop(model: string, instance: number, timeoutMs: number): Promise<void> {
    const m = this.#procs.get(keyOf(model, instance));
    if (m === undefined) {
      this.#emit({ model, instance, type: "stopped", at: Date.now() });
      return;
    }
    if (m.stopRequested || m.phase === "ending") {
      m.stopRequested = true;
      return m.done;
    }
    m.stopRequested = true;
    m.phase = "ending";
    m.health.abort();
    const pid = m.pid;
    if (pid !== null) await this.#terminate(m, pid, timeoutMs);
    this.#emit({ model, instance, type: "stopped", at: Date.now() });
    this.#forget(m);
  }

  async #terminate(m: Managed, pid: number, timeoutMs: number): Promise<void> {
    const log = (line: string): void =>
      this.#emit({
        model: m.spec.model,
        instance: m.spec.instance,
        type: "log",
        at: Date.now(),
        stream: "stderr",
        line,
      });
    await terminateGroup(pid, m.spec, timeoutMs, log, m.exited);
    await this.#drain(m);
  }

  /** Stops every process (`timeoutMs` null = each one's `unloadTimeoutMs`); resolves when all are gone. */
  async stopAll(timeoutMs: number | null): Promise<void> {
    const all = [...this.#procs.values()];
    await Promise.all(
      all.map((m) => this.stop(m.spec.model, m.spec.instance, timeoutMs ?? m.spec.unloadTimeoutMs)),
    );
  }

  /** Process group ids currently owned (for diagnostics and tests). */
  pgids(): number[] {
    return [...this.#procs.values()].flatMap((m) => (m.pid === null ? [] : [m.pid]));
  }
}
