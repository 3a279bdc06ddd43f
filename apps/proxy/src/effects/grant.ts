/** Executor for `grant`: resolves the waiting request's promise. */
import type { EffectOf } from "@hotswap/core";
import type { EffectContext } from "./context.ts";

export function grant(ctx: EffectContext, effect: EffectOf<"grant">): void {
  const ticket = ctx.tickets.get(effect.requestId);
  if (ticket?.grant({ model: effect.model, instance: effect.instance })) return;
  // Nobody waits any more (the client left between the decision and now): free the slot.
  ctx.dispatch({ type: "requestCancelled", id: effect.requestId, at: ctx.now() });
}
