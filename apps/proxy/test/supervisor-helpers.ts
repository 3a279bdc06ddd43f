import { FAKE_UPSTREAM_PATH, freePort } from "@hotswap/testkit";

export { freePort };

import type { ProcessSpec, SupervisorEvent } from "../src/workers/supervisor-messages.ts";

/** A spec running the fake upstream on `port` with extra CLI flags. */
export function fakeSpec(
  model: string,
  instance: number,
  port: number,
  flags: readonly string[] = [],
  overrides: Partial<ProcessSpec> = {},
): ProcessSpec {
  return {
    model,
    instance,
    argv: [process.execPath, FAKE_UPSTREAM_PATH, "--port", String(port), "--name", model, ...flags],
    env: {},
    checkUrl: `http://127.0.0.1:${port}/health`,
    healthCheckTimeoutMs: 15_000,
    stopArgv: null,
    unloadTimeoutMs: 5_000,
    ...overrides,
  };
}

/** Records events and lets a test wait for the first one matching a predicate. */
export class EventLog {
  readonly events: SupervisorEvent[] = [];
  #waiters: Array<{ match: (e: SupervisorEvent) => boolean; resolve: (e: SupervisorEvent) => void }> = [];

  readonly push = (event: SupervisorEvent): void => {
    this.events.push(event);
    for (const w of this.#waiters.filter((x) => x.match(event))) {
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve(event);
    }
  };

  waitFor<T extends SupervisorEvent["type"]>(
    type: T,
    model: string,
    instance: number,
    extra: (e: Extract<SupervisorEvent, { type: T }>) => boolean = () => true,
  ): Promise<Extract<SupervisorEvent, { type: T }>> {
    const match = (e: SupervisorEvent): boolean =>
      e.type === type &&
      e.model === model &&
      e.instance === instance &&
      extra(e as Extract<SupervisorEvent, { type: T }>);
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen as Extract<SupervisorEvent, { type: T }>);
    return new Promise((resolve) =>
      this.#waiters.push({ match, resolve: (e) => resolve(e as Extract<SupervisorEvent, { type: T }>) }),
    );
  }

  /** Non-log event types for one process, in order. */
  lifecycle(model: string, instance: number): string[] {
    return this.events
      .filter((e) => e.model === model && e.instance === instance && e.type !== "log")
      .map((e) => e.type);
  }
}

/** Process state letter from /proc, or null if the pid is gone. */
export { readProcStat } from "../src/workers/process-group.ts";
