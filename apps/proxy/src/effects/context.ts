/**
 * What effect executors may touch. Executors act on the world and report outcomes only as
 * events through `dispatch`; none of them decides anything.
 */
import type { ResolvedConfig } from "@hotswap/config";
import type { Event } from "@hotswap/core";
import type { Logger } from "pino";
import type { LogHub } from "../logs/log-hub.ts";
import type { ProcessTable } from "../process-table.ts";
import type { TicketRegistry } from "../requests/ticket.ts";
import type { ProcessSpec } from "../workers/supervisor-messages.ts";

/** The part of the supervisor the app uses (see workers/). */
export interface SupervisorLike {
  /** Resolves once spawned or failed to spawn; the outcome arrives as events. */
  start(spec: ProcessSpec): Promise<void>;
  /** Resolves after the process group is gone (its `stopped` event was sent). */
  stop(model: string, instance: number, timeoutMs: number): Promise<void>;
  stopAll(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface EffectContext {
  dispatch(event: Event): void;
  /** Monotonic milliseconds (performance.now), the clock of every event's `at`. */
  now(): number;
  config(): ResolvedConfig;
  readonly tickets: TicketRegistry;
  readonly processes: ProcessTable;
  readonly logs: LogHub;
  readonly supervisor: SupervisorLike;
  readonly logger: Logger;
  /** Called by the shutdownComplete executor. */
  onShutdownComplete(): void;
}
