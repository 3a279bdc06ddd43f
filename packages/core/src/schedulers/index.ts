import type { SchedulerConfig } from "../config.ts";
import { createFifoScheduler } from "./fifo.ts";
import type { Scheduler } from "./scheduler.ts";
import { createSerialScheduler } from "./serial.ts";

export type { Scheduler, SwapCandidate } from "./scheduler.ts";

/** The scheduler named by the config. */
export function createScheduler(config: SchedulerConfig): Scheduler {
  switch (config.kind) {
    case "fifo":
      return createFifoScheduler(config);
    case "serial":
      return createSerialScheduler();
  }
}
