/**
 * A deliberately broken variant of the core: llama-swap's old fast-path race, planted
 * around the real `step` (the core itself is untouched) to prove the suite catches it.
 *
 * The bug: a request granted to a model that was already ready before the step (the fast
 * path) is not counted in flight at the grant. The wrapper takes it off the model's
 * `inFlight` count in the returned state and remembers it; only when `grantDelivered` arrives
 * does it count it again (before the real step sees that event). A request for another model
 * decided in that window finds the model idle, so the real planner and scheduler stop it
 * under the granted request. Grants made when the model becomes ready (processReady) are
 * counted at once, as in the fixed code, so only the window exhibits the bug.
 *
 * The wrapper reads `models[id].phase` and `.instance` and changes only `.inFlight` of the
 * core's plain state (the exported `State` type); the core's code is untouched.
 */
import { countsInFlight, type Event, type State } from "@hotswap/core";
import { coreMachine, type Machine, type Transition } from "./machine.ts";

/** A grant the variant has not counted yet. */
interface Hidden {
  readonly requestId: string;
  readonly model: string;
  readonly instance: number;
}

export interface PlantedState {
  readonly core: State;
  readonly hidden: readonly Hidden[];
}

/** A copy of `state` with `model`'s inFlight count moved by `delta`. */
function withInFlight(state: State, model: string, delta: 1 | -1): State {
  const entry = state.models[model];
  if (!entry) return state;
  return { ...state, models: { ...state.models, [model]: { ...entry, inFlight: entry.inFlight + delta } } };
}

function plantedStep(state: PlantedState, event: Event): Transition<PlantedState> {
  let core = state.core;
  let hidden = state.hidden;
  const settled =
    event.type === "grantDelivered" || event.type === "serveFinished" || event.type === "requestCancelled";
  const late = settled ? hidden.find((h) => h.requestId === event.id) : undefined;
  if (late) {
    // Counted only now: count it again as the real core expects, if that process still runs.
    hidden = hidden.filter((h) => h !== late);
    if (countsInFlight(core.models[late.model], late.instance)) core = withInFlight(core, late.model, 1);
  }
  const before = core.models;
  const next = coreMachine.step(core, event);
  let result = next.state;
  for (const effect of next.effects) {
    if (effect.type !== "grant") continue;
    const was = before[effect.model];
    if (was?.phase !== "ready" || was.instance !== effect.instance) continue;
    // Counted by the real step, unless the same step already saw its process go.
    if (
      !countsInFlight(result.models[effect.model], effect.instance) ||
      (result.models[effect.model]?.inFlight ?? 0) <= 0
    )
      continue;
    result = withInFlight(result, effect.model, -1);
    hidden = [...hidden, { requestId: effect.requestId, model: effect.model, instance: effect.instance }];
  }
  return { state: { core: result, hidden }, effects: next.effects };
}

/** The core with the fast-path race planted. Its self-check is off: the state is wrong on purpose. */
export const plantedRaceMachine: Machine<PlantedState> = {
  name: "planted-fast-path-race",
  init: (config) => ({ core: coreMachine.init(config), hidden: [] }),
  step: plantedStep,
  selfCheck: () => [],
};
