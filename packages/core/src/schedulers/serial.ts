/**
 * serial: strict arrival order, one request at a time across all models. The head request
 * is granted only when nothing is in flight anywhere; if its model is not loaded, its swap
 * goes ahead at once (evictees finish their in-flight work first). Never reorders or batches.
 */
import { canGrant, needsSwap } from "../models.ts";
import { byArrival, queuedRequests } from "../queue.ts";
import type { RequestRecord, State } from "../state.ts";
import type { Scheduler } from "./scheduler.ts";

function anythingInFlight(state: State): boolean {
  return Object.values(state.models).some((m) => m.inFlight > 0);
}

export function createSerialScheduler(): Scheduler {
  const order = (state: State): RequestRecord[] => queuedRequests(state).sort(byArrival);
  return {
    order,
    nextGrant(state) {
      const head = state.queue[0];
      if (!head || anythingInFlight(state) || !canGrant(state, head.model)) return null;
      return head;
    },
    swapCandidates(state) {
      const head = state.queue[0];
      if (head) return needsSwap(state.models[head.model]) ? [{ model: head.model, force: true }] : [];
      // Preloads only run when no request waits, so they never overtake one.
      const preload = state.preloads.find((id) => needsSwap(state.models[id]));
      return preload ? [{ model: preload, force: false }] : [];
    },
    deadline: () => null,
  };
}
