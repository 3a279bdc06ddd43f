/** Executor for `reject`: fails the waiting request with the matching HTTP error. */
import type { EffectOf } from "@hotswap/core";
import { fromReject } from "../http/errors.ts";
import type { EffectContext } from "./context.ts";

/** How many of the model's log lines a start-failure answer carries. */
const START_FAILURE_LOG_LINES = 20;

export function reject(ctx: EffectContext, effect: EffectOf<"reject">): void {
  const ticket = ctx.tickets.get(effect.requestId);
  if (!ticket) return;
  const tail =
    effect.error.code === "START_FAILED" ? ctx.logs.tail(ticket.model, START_FAILURE_LOG_LINES) : [];
  ticket.reject(fromReject(effect.error, tail));
  ctx.tickets.delete(ticket.id);
}
