/** Executor for `shutdownComplete`: every process is gone and every request answered. */
import type { EffectOf } from "@hotswap/core";
import type { EffectContext } from "./context.ts";

export function shutdownComplete(ctx: EffectContext, _effect: EffectOf<"shutdownComplete">): void {
  ctx.logger.info("all models stopped");
  ctx.onShutdownComplete();
}
