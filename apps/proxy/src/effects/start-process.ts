/** Executor for `startProcess`: maps the resolved model to a supervisor spec and starts it. */
import type { ResolvedConfig, ResolvedModel } from "@hotswap/config";
import type { EffectOf } from "@hotswap/core";
import type { ProcessSpec } from "../workers/supervisor-messages.ts";
import type { EffectContext } from "./context.ts";

/** Pure. The supervisor spec for one start of `model`. */
export function processSpecFor(config: ResolvedConfig, model: ResolvedModel, instance: number): ProcessSpec {
  const base = model.proxy.replace(/\/+$/, "");
  return {
    model: model.id,
    instance,
    argv: model.argv,
    env: model.env,
    checkUrl: model.checkEndpoint === null ? null : `${base}/${model.checkEndpoint.replace(/^\/+/, "")}`,
    healthCheckTimeoutMs: config.healthCheckTimeoutMs,
    stopArgv: model.cmdStopArgv,
    unloadTimeoutMs: model.unloadTimeoutMs,
  };
}

export function startProcess(ctx: EffectContext, effect: EffectOf<"startProcess">): void {
  const config = ctx.config();
  const model = Object.hasOwn(config.models, effect.model) ? config.models[effect.model] : undefined;
  if (!model) {
    ctx.dispatch({
      type: "processStartFailed",
      model: effect.model,
      instance: effect.instance,
      at: ctx.now(),
      message: `model "${effect.model}" is not in the configuration`,
    });
    return;
  }
  ctx.processes.started(effect.model, effect.instance);
  ctx.logger.info({ model: effect.model, instance: effect.instance }, "starting model");
  ctx.supervisor.start(processSpecFor(config, model, effect.instance)).catch((err: unknown) => {
    // The supervisor itself failed (not the process): report it as a failed start.
    ctx.logger.error({ err, model: effect.model }, "supervisor could not start the process");
    ctx.processes.gone(effect.model, effect.instance);
    ctx.dispatch({
      type: "processStartFailed",
      model: effect.model,
      instance: effect.instance,
      at: ctx.now(),
      message: `supervisor error: ${(err as Error).message}`,
    });
  });
}
