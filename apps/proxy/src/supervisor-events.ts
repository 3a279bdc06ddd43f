/**
 * Turns supervisor events into core events (and log lines into the log hub). The clock of
 * core events is the app's monotonic clock at receipt, not the supervisor's wall clock.
 */
import type { Event } from "@hotswap/core";
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
    case "log":
      return null;
  }
}

export interface SupervisorEventSinks {
  readonly logs: LogHub;
  readonly processes: ProcessTable;
  dispatch(event: Event): void;
  now(): number;
}

/** Routes one supervisor event: logs to the hub, facts to the table and the run loop. */
export function handleSupervisorEvent(sinks: SupervisorEventSinks, event: SupervisorEvent): void {
  switch (event.type) {
    case "log":
      sinks.logs.push(event.model, event.line);
      return;
    case "spawned":
      sinks.processes.spawned(event.model, event.instance, event.pid);
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
}
