import { describe, expect, it } from "vitest";
import { GRANTED_BUCKETS, grantedBucket, grantedTable } from "../src/granted.ts";
import { initialState } from "../src/initial-state.ts";
import { createInvariantChecker } from "../src/invariants.ts";
import type { GrantedTable, ModelState, RequestRecord, State } from "../src/state.ts";
import { config, model, oneAtATime } from "./step-support.ts";

const check = createInvariantChecker(oneAtATime);
const base = initialState(config([model("a"), model("b")]));

function withModel(state: State, id: string, over: Partial<ModelState>): State {
  const m = state.models[id];
  if (!m) throw new Error(`no model ${id}`);
  return { ...state, models: { ...state.models, [id]: { ...m, ...over } } };
}

function granted(id: string, modelId: string): RequestRecord {
  return {
    id,
    model: modelId,
    status: "granted",
    arrivedAt: 0,
    seq: 1,
    priority: 0,
    bypassed: 0,
    instance: 1,
    delivered: false,
    reported: null,
  };
}

function table(...records: RequestRecord[]): GrantedTable {
  return grantedTable(records);
}

function names(state: State): string[] {
  return check(state).map((v) => v.split(":")[0] ?? v);
}

describe("checkInvariants", () => {
  it("checkInvariants: a fresh state has no violations", () => {
    expect(check(base)).toEqual([]);
  });

  it("checkInvariants: reports requests in flight on a model that is not serving", () => {
    const s = withModel({ ...base, granted: table(granted("r1", "a")) }, "a", {
      phase: "starting",
      instance: 1,
      inFlight: 1,
    });
    expect(names(s)).toEqual(["INFLIGHT_NOT_SERVING", "INFLIGHT_MISMATCH"]);
  });

  it("checkInvariants: reports a stopping model with in-flight work unless the stop was forced", () => {
    const s = withModel({ ...base, granted: table(granted("r1", "a")) }, "a", {
      phase: "stopping",
      instance: 1,
      inFlight: 1,
    });
    expect(names(s)).toEqual(["STOPPING_WITH_INFLIGHT"]);
    expect(check(withModel(s, "a", { forcedStop: true }))).toEqual([]);
  });

  it("checkInvariants: reports a start made before the evictees stopped", () => {
    let s = withModel(base, "a", { phase: "stopping", instance: 1 });
    s = withModel(s, "b", { phase: "starting", instance: 2, evictees: ["a"] });
    expect(names(s)).toContain("STARTED_BEFORE_EVICTEES_STOPPED");
    // An evictee started again after this start is a later swap, not a violation.
    const later = withModel(s, "a", { phase: "starting", instance: 3 });
    expect(names(later)).not.toContain("STARTED_BEFORE_EVICTEES_STOPPED");
  });

  it("checkInvariants: reports more in flight than the concurrency limit", () => {
    const s = withModel({ ...base, granted: table(granted("r1", "a"), granted("r2", "a")) }, "a", {
      phase: "ready",
      instance: 1,
      inFlight: 2,
    });
    expect(names(s)).toEqual(["INFLIGHT_OVER_LIMIT"]);
  });

  it("checkInvariants: reports a resident set the planner does not allow", () => {
    const s = withModel(withModel(base, "a", { phase: "ready" }), "b", { phase: "ready" });
    expect(names(s)).toEqual(["RESIDENT_NOT_ALLOWED"]);
  });

  it("checkInvariants: reports queue records out of step", () => {
    const twice = {
      ...base,
      queue: [{ ...granted("r1", "a"), status: "queued" as const }],
      granted: table(granted("r1", "a")),
    };
    expect(names(twice)).toEqual(["QUEUE_MISMATCH"]);
  });

  it("checkInvariants: reports an in-flight count that is not the granted records on the current instance", () => {
    const ready = withModel(base, "a", { phase: "ready", instance: 1 });
    // Counted with no granted record behind it.
    expect(names(withModel(ready, "a", { inFlight: 1 }))).toEqual(["INFLIGHT_MISMATCH"]);
    // A granted record on the current instance, not counted.
    const one = { ...ready, granted: table(granted("r1", "a")) };
    expect(names(one)).toEqual(["INFLIGHT_MISMATCH"]);
    expect(check(withModel(one, "a", { inFlight: 1 }))).toEqual([]);
    // A record granted for another model does not count for this one.
    const other = { ...ready, granted: table(granted("r1", "b")) };
    expect(names(withModel(other, "a", { inFlight: 1 }))).toEqual(["INFLIGHT_MISMATCH"]);
    // A record on an earlier instance (its process is gone) counts nothing, ready or stopped.
    const earlier = withModel(one, "a", { instance: 2 });
    expect(check(earlier)).toEqual([]);
    expect(names(withModel(earlier, "a", { inFlight: 1 }))).toEqual(["INFLIGHT_MISMATCH"]);
    // Stopped after its process went: the record stays live but no longer counts.
    const stopped = withModel(one, "a", { phase: "stopped" });
    expect(check(stopped)).toEqual([]);
    expect(names(withModel(stopped, "a", { inFlight: 1 }))).toEqual([
      "INFLIGHT_NOT_SERVING",
      "INFLIGHT_MISMATCH",
    ]);
    // Never negative, never fractional.
    expect(names(withModel(ready, "a", { inFlight: -1 }))).toEqual(["INFLIGHT_MISMATCH"]);
    expect(names(withModel(one, "a", { inFlight: 0.5 }))).toEqual(["INFLIGHT_MISMATCH"]);
  });

  it("checkInvariants: reports a granted record in the wrong bucket and a table of the wrong size", () => {
    const right = grantedBucket("r1");
    const wrong = (right + 1) % GRANTED_BUCKETS;
    const misplaced = grantedTable([]).map((bucket, b) => (b === wrong ? [granted("r1", "a")] : bucket));
    const s = withModel({ ...base, granted: misplaced }, "a", { phase: "ready", instance: 1, inFlight: 1 });
    // Misplaced, the record cannot be found by id either, so it does not count.
    expect(names(s)).toEqual(["INFLIGHT_MISMATCH", "QUEUE_MISMATCH"]);
    expect(check(withModel({ ...s, granted: table(granted("r1", "a")) }, "a", {}))).toEqual([]);
    expect(names({ ...base, granted: grantedTable([]).slice(1) })).toEqual(["QUEUE_MISMATCH"]);
    expect(names({ ...base, granted: [...grantedTable([]), []] })).toEqual(["QUEUE_MISMATCH"]);
  });
});
