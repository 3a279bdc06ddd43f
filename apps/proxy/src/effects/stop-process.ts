/** Executor for `stopProcess`: asks the supervisor to stop the process group. */
import type { EffectOf } from "@hotswap/core";
import type { EffectContext } from "./context.ts";

export function stopProcess(ctx: EffectContext, effect: EffectOf<"stopProcess">): void {
  ctx.processes.set(effect.model, effect.instance, "stopping");
  ctx.logger.info(
    { model: effect.model, instance: effect.instance, reason: effect.reason },
    "stopping model",
  );
  ctx.supervisor.stop(effect.model, effect.instance, effect.timeoutMs).catch((err: unknown) => {
    // The supervisor kills the group on every exit path; treat a failed call as stopped so
    // the core does not wait forever for a process nobody can report on any more.
    ctx.logger.error({ err, model: effect.model }, "supervisor stop failed");
    ctx.processes.gone(effect.model, effect.instance);
    ctx.dispatch({ type: "processStopped", model: effect.model, instance: effect.instance, at: ctx.now() });
  });
}
