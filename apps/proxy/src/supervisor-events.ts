/**
 * Turns supervisor events into core events (and log lines into the log hub). The clock of
 * core events is the app's monotonic clock at receipt, not the supervisor's wall clock.
 */
import type { Event } from "@hotswap/core";
import type { UpstreamLifecycle } from "./http/upstream-pools.ts";
import type { LogHub } from "./logs/log-hub.ts";
import type { ProcessTable } from "./process-table.ts";
import type { SupervisorEvent } from "./workers/supervisor-messages.ts";

/** Pure. The core event for a supervisor event, or null for spawned/log. */
export function coreEventFor(event: SupervisorEvent, at: number): Event | null {
  const { model, instance } = event;
  switch (event.type) {
    case "ready":
      return { type: "processReady", model, instance, at };
    case "startFailed":
      return { type: "processStartFailed", model, instance, at, message: `${event.code}: ${event.message}` };
    case "exited":
      return { type: "processExited", model, instance, at, message: event.message };
    case "stopped":
      return { type: "processStopped", model, instance, at };
    case "spawned":
    case "answering":
    case "log":
      return null;
  }
}

export interface SupervisorEventSinks {
  readonly logs: LogHub;
  readonly processes: ProcessTable;
  dispatch(event: Event): void;
  now(): number;
  /** Readies forwarding to the model's server and drops its connections when it goes; optional. */
  readonly upstreams?: UpstreamLifecycle;
}

/**
 * Routes one supervisor event: logs to the hub, facts to the table and the run loop, and
 * the process's progress to `upstreams`: on `spawned` its pool is created and on `answering`
 * a connection is opened, both before its first request needs them; when it stops, exits or
 * fails to start, its connections are dropped (see upstream-pools.ts).
 */
export function handleSupervisorEvent(sinks: SupervisorEventSinks, event: SupervisorEvent): void {
  switch (event.type) {
    case "log":
      sinks.logs.push(event.model, event.line);
      return;
    case "spawned":
      sinks.processes.spawned(event.model, event.instance, event.pid);
      sinks.upstreams?.spawned(event.model);
      return;
    case "answering":
      sinks.upstreams?.answering(event.model);
      return;
    case "ready":
      sinks.processes.set(event.model, event.instance, "ready");
      break;
    case "startFailed":
    case "exited":
    case "stopped":
      sinks.processes.gone(event.model, event.instance);
      break;
  }
  const core = coreEventFor(event, sinks.now());
  if (core) sinks.dispatch(core);
  // After the core: the grant goes first; these only expire a spare or drop dead sockets.
  if (event.type === "ready") sinks.upstreams?.ready(event.model);
  else if (event.type === "startFailed" || event.type === "exited" || event.type === "stopped")
    sinks.upstreams?.gone(event.model);
}
