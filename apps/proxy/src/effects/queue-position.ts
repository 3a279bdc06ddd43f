/** Executor for `queuePosition`: feeds the request's loading-state progress. */
import type { EffectOf } from "@hotswap/core";
import type { EffectContext } from "./context.ts";

export function queuePosition(ctx: EffectContext, effect: EffectOf<"queuePosition">): void {
  ctx.tickets.get(effect.requestId)?.progress({ position: effect.position, loading: effect.loading });
}
