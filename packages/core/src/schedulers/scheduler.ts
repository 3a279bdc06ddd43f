/**
 * The scheduler seam: which waiting request is served next and which model to load next.
 * Schedulers only choose; the step acts on their choice (grants, stops, starts), so every
 * scheduler gets the same lifecycle rules for free. Each one passes the shared conformance
 * suite (`test/step-scheduler-conformance.test.ts`).
 */
import type { RequestRecord, State } from "../state.ts";

/** A model to load for waiting requests (or a preload). */
export interface SwapCandidate {
  readonly model: string;
  /**
   * true: go ahead even if evictees are busy; they drain (no new grants) and stop once
   * idle. false: wait until every evictee is idle.
   */
  readonly force: boolean;
}

export interface Scheduler {
  /** Pure. Queued requests in service order; a request's queue position is its index here. */
  order(state: State): RequestRecord[];
  /** Pure. The queued request to grant now (its model can take it), or null. Asked until null. */
  nextGrant(state: State): RequestRecord | null;
  /** Pure. Models that are not resident and should be loaded, most urgent first. */
  swapCandidates(state: State): SwapCandidate[];
  /** Pure. The earliest time after `state.now` at which a choice changes with no event (or null). */
  deadline(state: State): number | null;
}
