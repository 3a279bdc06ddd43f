/**
 * Named checks over a state; property tests run them after every step. Each violation is a
 * string starting with its name, e.g. `INFLIGHT_OVER_LIMIT: a has 3 in flight, limit 2`.
 * Checked:
 * 1. INFLIGHT_NOT_SERVING: requests in flight on a model that is neither ready nor stopping.
 * 2. STOPPING_WITH_INFLIGHT: a stopping model with requests in flight, stop not forced.
 * 3. STARTED_BEFORE_EVICTEES_STOPPED: a starting model one of whose evictees still runs the
 *    process it ran when the start was issued.
 * 4. INFLIGHT_OVER_LIMIT: more requests in flight than the model's concurrencyLimit (or the
 *    higher limit in force when the latest grant was made, before a reload lowered it).
 * 5. RESIDENT_NOT_ALLOWED: the starting and ready models form a set the planner forbids.
 *    Models already stopping, or draining because a config reload forbade them (stop reason
 *    "reload"), are leaving and left out: a reload may change the rules under them. That a
 *    start never overlaps a conflicting stopping model is guaranteed by the start rule
 *    (allows(starting + ready + stopping + target)) and checked for evictees by 3.
 * 6. QUEUE_MISMATCH: a queue entry not marked queued, out of arrival order, duplicated or
 *    also granted; a granted entry not marked granted, duplicated or in the wrong bucket;
 *    a granted table that is not GRANTED_BUCKETS arrays.
 * 7. INFLIGHT_MISMATCH: a model's in-flight count is not the number of granted records of
 *    that model and its current instance while it is ready or stopping, or not 0 otherwise
 *    (the process is gone, and its granted records no longer count; see `countsInFlight`).
 *    Checked from the records directly, not through `countsInFlight`, so that the rule
 *    itself is checked too.
 * 8. UNKNOWN_MODEL_QUEUED: a queued request for a model that is not configured.
 */
import { GRANTED_BUCKETS, grantedBucket, grantedRecord } from "./granted.ts";
import { configuredModel, holderIds, isHolder, modelConfig } from "./models.ts";
import type { PlannerFactory } from "./planner.ts";
import { createPlanner } from "./planners/index.ts";
import type { ModelState, State } from "./state.ts";

function checkModel(state: State, m: ModelState, counted: ReadonlyMap<string, number>, out: string[]): void {
  const n = m.inFlight;
  if (n > 0 && m.phase !== "ready" && m.phase !== "stopping") {
    out.push(`INFLIGHT_NOT_SERVING: ${m.id} is ${m.phase} with ${n} in flight`);
  }
  if (n > 0 && m.phase === "stopping" && !m.forcedStop) {
    out.push(`STOPPING_WITH_INFLIGHT: ${m.id} is stopping (${m.stopReason}) with ${n} in flight`);
  }
  if (m.phase === "starting") {
    // An evictee started again after this start (a higher instance) is a later, planned swap.
    const running = m.evictees.filter((id) => {
      const e = state.models[id];
      return isHolder(e) && e !== undefined && e.instance < m.instance;
    });
    if (running.length > 0) {
      out.push(`STARTED_BEFORE_EVICTEES_STOPPED: ${m.id} started while ${running.join(", ")} still run`);
    }
  }
  const limit = Math.max(modelConfig(state, m.id)?.concurrencyLimit ?? 0, m.grantLimit);
  if (n > limit) out.push(`INFLIGHT_OVER_LIMIT: ${m.id} has ${n} in flight, limit ${limit}`);
  const serving = m.phase === "ready" || m.phase === "stopping";
  const expected = serving ? (counted.get(m.id) ?? 0) : 0;
  if (!Number.isInteger(n) || n !== expected) {
    const why = serving ? `its granted records on instance ${m.instance}` : `it is ${m.phase}`;
    out.push(`INFLIGHT_MISMATCH: ${m.id} counts ${n} in flight, expected ${expected} (${why})`);
  }
}

/**
 * Per model: its granted records stamped with the model's current instance. A record in the
 * wrong bucket is left out (a finish looks it up by id and would not find it).
 */
function grantedOnCurrentInstance(state: State): Map<string, number> {
  const counted = new Map<string, number>();
  const table = state.granted;
  for (let b = 0; b < table.length; b++) {
    const bucket = table[b];
    if (!Array.isArray(bucket)) continue; // reported by checkQueue
    for (const r of bucket) {
      if (r.status !== "granted" || grantedBucket(r.id) !== b) continue;
      if (state.models[r.model]?.instance !== r.instance) continue;
      counted.set(r.model, (counted.get(r.model) ?? 0) + 1);
    }
  }
  return counted;
}

function checkQueue(state: State, out: string[]): void {
  const seen = new Set<string>();
  let lastSeq = -Infinity;
  for (const r of state.queue) {
    if (r.status !== "queued") out.push(`QUEUE_MISMATCH: ${r.id} is in the queue marked ${r.status}`);
    if (r.seq <= lastSeq) out.push(`QUEUE_MISMATCH: ${r.id} is out of arrival order`);
    if (seen.has(r.id) || grantedRecord(state, r.id)) out.push(`QUEUE_MISMATCH: ${r.id} is live twice`);
    if (!configuredModel(state, r.model))
      out.push(`UNKNOWN_MODEL_QUEUED: ${r.id} waits for unconfigured ${r.model}`);
    seen.add(r.id);
    lastSeq = r.seq;
  }
  const granted = new Set<string>();
  const table = state.granted;
  if (!Array.isArray(table) || table.length !== GRANTED_BUCKETS) {
    out.push(`QUEUE_MISMATCH: the granted table has ${table.length} buckets, not ${GRANTED_BUCKETS}`);
  }
  // Indexed rather than for-of, so a hole (a bucket missing rather than []) is seen too.
  for (let b = 0; b < table.length; b++) {
    const bucket = table[b];
    if (!Array.isArray(bucket)) {
      out.push(`QUEUE_MISMATCH: granted bucket ${b} is not an array`);
      continue;
    }
    for (const r of bucket) {
      if (r.status !== "granted" || grantedBucket(r.id) !== b || granted.has(r.id))
        out.push(`QUEUE_MISMATCH: granted bucket ${b} holds ${r.status} ${r.id}`);
      granted.add(r.id);
    }
  }
}

/** Violations of the state's invariants under a planner built by `plannerFactory`. */
export function createInvariantChecker(plannerFactory: PlannerFactory): (state: State) => string[] {
  return (state) => {
    const out: string[] = [];
    const counted = grantedOnCurrentInstance(state);
    for (const m of Object.values(state.models)) checkModel(state, m, counted, out);
    checkQueue(state, out);
    const holders = holderIds(state).filter((id) => {
      const m = state.models[id];
      return m?.phase !== "stopping" && m?.stopReason !== "reload";
    });
    if (holders.length > 0 && !plannerFactory(state.config).allows(holders)) {
      out.push(`RESIDENT_NOT_ALLOWED: ${holders.join(", ")} may not run together`);
    }
    return out;
  };
}

/** Pure. Every invariant violation in `state` (empty when sound), using the configured planner. */
export const checkInvariants: (state: State) => string[] = createInvariantChecker(createPlanner);
