import type { CoreConfig, CoreModelConfig } from "./config.ts";
import { grantedTable } from "./granted.ts";
import type { ModelState, State } from "./state.ts";

/** A stopped model that has never run. */
export function stoppedModel(model: CoreModelConfig): ModelState {
  return {
    id: model.id,
    phase: "stopped",
    instance: 0,
    inFlight: 0,
    grantLimit: model.concurrencyLimit,
    lastUsedAt: 0,
    draining: false,
    stopReason: null,
    forcedStop: false,
    evictees: [],
    retired: null,
  };
}

/** Pure. The state before any event: every configured model stopped, nothing queued. */
export function initialState(config: CoreConfig): State {
  const models: Record<string, ModelState> = {};
  for (const model of config.models) models[model.id] = stoppedModel(model);
  return {
    config,
    now: 0,
    models,
    queue: [],
    granted: grantedTable([]),
    preloads: [],
    nextInstance: 1,
    nextSeq: 1,
    shuttingDown: false,
    shutdownForce: false,
    shutdownDone: false,
    wakeAt: null,
  };
}
