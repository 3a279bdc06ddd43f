/** Builds the run loop around the real core: `step` from @hotswap/core, hooks that log. */
import { type Effect, type Event, initialState, type State, step } from "@hotswap/core";
import type { Logger } from "pino";
import { HttpError } from "./http/errors.ts";
import type { TicketRegistry } from "./requests/ticket.ts";
import { RunLoop } from "./run-loop.ts";

export interface CoreLoopOptions {
  readonly logger: Logger;
  readonly tickets: TicketRegistry;
  readonly onStep?: ((event: Event, effects: readonly Effect[]) => void) | undefined;
}

export function createCoreLoop(
  config: Parameters<typeof initialState>[0],
  options: CoreLoopOptions,
): RunLoop<State> {
  const { logger, tickets } = options;
  return new RunLoop<State>(step, initialState(config), {
    onExecutorError: (effect, err) => logger.error({ err, effect }, "effect executor failed"),
    onStepError: (event, err) => {
      logger.fatal({ err, event }, "core invariant broken; event dropped");
      // The request would otherwise wait forever for an answer the core never gave.
      if (event.type === "requestArrived") {
        tickets.get(event.id)?.reject(new HttpError(500, "internal_error", "server_error", String(err)));
        tickets.delete(event.id);
      }
    },
    onStep: (event, effects) => {
      if (logger.isLevelEnabled("debug")) logger.debug({ event, effects }, "step");
      options.onStep?.(event, effects);
    },
  });
}
