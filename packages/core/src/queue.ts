/**
 * Ordering helpers over the queue of waiting requests. Pure; they read a state and never
 * change it.
 */
import { grantedRecord, grantedRecords } from "./granted.ts";
import type { RequestRecord, State } from "./state.ts";

/** Queued requests in arrival order (a copy, free to sort). */
export function queuedRequests(state: State): RequestRecord[] {
  return state.queue.slice();
}

/** The live request (queued or granted) with this id, or undefined. */
export function requestOf(state: State, id: string): RequestRecord | undefined {
  return grantedRecord(state, id) ?? state.queue.find((r) => r.id === id);
}

/** Every live request: granted ones, then queued ones in arrival order. */
export function allRequests(state: State): RequestRecord[] {
  return [...grantedRecords(state.granted), ...state.queue];
}

/**
 * The head of the line for the starvation bound: the oldest queued request whose model has
 * no process (stopped, failed, or pending: chosen to start but not started). Returns its
 * index in the queue too, or undefined when no request waits for a swap.
 */
export function headOfLine(
  state: State,
): { readonly request: RequestRecord; readonly index: number } | undefined {
  for (let index = 0; index < state.queue.length; index += 1) {
    const request = state.queue[index];
    const m = request ? state.models[request.model] : undefined;
    if (!request || !m || m.retired !== null) continue;
    if (m.phase === "stopped" || m.phase === "failed" || m.phase === "pending") return { request, index };
  }
  return undefined;
}

/** Arrival order: earlier first. */
export function byArrival(a: RequestRecord, b: RequestRecord): number {
  return a.seq - b.seq;
}

/** fifo order: higher priority first, then earlier arrival. */
export function byPriorityThenArrival(a: RequestRecord, b: RequestRecord): number {
  return b.priority - a.priority || a.seq - b.seq;
}

/** The models that queued requests wait for. */
export function queuedModels(state: State): Set<string> {
  const out = new Set<string>();
  for (const r of state.queue) out.add(r.model);
  return out;
}

/** Whether any queued request waits for `model`. */
export function hasQueuedFor(state: State, model: string): boolean {
  return state.queue.some((r) => r.model === model);
}
