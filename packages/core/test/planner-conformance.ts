/**
 * The shared planner conformance suite (hono's habit): every planner config runs it, so a
 * new policy is done when it passes. Scenarios are reachable states built by replaying
 * seeded random requests through the planner itself, with evictees left "stopping" for a
 * while, busy flags, pending/starting targets and scattered `lastUsedAt`.
 */
import { describe, expect, it } from "vitest";
import type { CoreConfig, Planner, ResidentView } from "../src/index.ts";
import { createPlanner } from "../src/index.ts";
import { seeded } from "./planner-fixtures.ts";

export interface Scenario {
  readonly target: string;
  readonly resident: readonly ResidentView[];
}

export const SEEDS = [1, 7, 42];
const STEPS = 60;

function pick<T>(items: readonly T[], rnd: () => number): T {
  return items[Math.floor(rnd() * items.length)]!;
}

/** Replays seeded random requests; each state yields one scenario per non-resident model. */
export function plannerScenarios(planner: Planner, ids: readonly string[], seed: number): Scenario[] {
  const rnd = seeded(seed);
  const runnable = ids.filter((id) => planner.plan(id, []).ok);
  const out: Scenario[] = [];
  let resident: ResidentView[] = [];
  for (let step = 0; step < STEPS && runnable.length > 0; step++) {
    out.push(...ids.filter((id) => !resident.some((r) => r.id === id)).map((t) => ({ target: t, resident })));
    let free = runnable.filter((id) => !resident.some((r) => r.id === id));
    if (free.length === 0) {
      // Every runnable model is resident: let the stopping ones exit so one can return.
      resident = resident.filter((r) => r.phase !== "stopping");
      free = runnable.filter((id) => !resident.some((r) => r.id === id));
    }
    if (free.length === 0) break;
    const target = pick(free, rnd);
    const result = planner.plan(target, resident);
    if (!result.ok) throw new Error(`runnable model ${target} refused: ${result.message}`);
    const evicted = new Set(result.evict);
    resident = resident
      // Evictees linger as "stopping"; older stopping models exit at random.
      .filter((r) => !(r.phase === "stopping" && rnd() < 0.6))
      .map((r) => (evicted.has(r.id) ? { ...r, phase: "stopping" as const, busy: false } : r))
      .map((r) =>
        r.phase !== "stopping" && rnd() < 0.3 ? { ...r, phase: "ready" as const, busy: rnd() < 0.5 } : r,
      );
    const phase = pick(["pending", "starting", "ready"] as const, rnd);
    resident.push({
      id: target,
      phase,
      busy: phase !== "ready" || rnd() < 0.5,
      lastUsedAt: step * 10 + Math.floor(rnd() * 30),
    });
  }
  return out;
}

const survivors = (s: Scenario, evict: readonly string[]): string[] =>
  s.resident.filter((r) => r.phase !== "stopping" && !evict.includes(r.id)).map((r) => r.id);

/** Runs the conformance suite against `createPlanner(makeConfig())`. */
export function describePlannerConformance(name: string, makeConfig: () => CoreConfig): void {
  describe(`planner conformance: ${name}`, () => {
    const config = makeConfig();
    const ids = config.models.map((m) => m.id);
    const planner = createPlanner(config);
    const all = SEEDS.flatMap((seed) => plannerScenarios(planner, ids, seed));

    it("generates scenarios with busy, stopping and multi-model states", () => {
      expect(all.length).toBeGreaterThan(50);
      expect(all.some((s) => s.resident.some((r) => r.phase === "stopping"))).toBe(true);
    });

    it("evicts nothing when nothing else is resident, and refuses exactly what allows() refuses alone", () => {
      for (const id of ids) {
        const result = planner.plan(id, []);
        expect(result.ok, id).toBe(planner.allows([id]));
        if (result.ok) expect(result.evict, id).toEqual([]);
        else expect(result.message).toContain(id);
      }
    });

    it("evicts nothing when only stopping models are resident", () => {
      for (const s of all) {
        const stopping = s.resident.filter((r) => r.phase === "stopping");
        const result = planner.plan(s.target, stopping);
        if (result.ok) expect(result.evict).toEqual([]);
      }
    });

    it("never lists the target, a stopping model, a model not resident, or a duplicate", () => {
      for (const s of all) {
        const result = planner.plan(s.target, s.resident);
        if (!result.ok) continue;
        const running = new Set(s.resident.filter((r) => r.phase !== "stopping").map((r) => r.id));
        expect(result.evict).not.toContain(s.target);
        for (const id of result.evict) expect(running.has(id), id).toBe(true);
        expect(new Set(result.evict).size).toBe(result.evict.length);
      }
    });

    it("is deterministic and does not depend on the order residents are listed in", () => {
      for (const s of all) {
        const first = planner.plan(s.target, s.resident);
        expect(planner.plan(s.target, s.resident)).toEqual(first);
        expect(planner.plan(s.target, [...s.resident].reverse())).toEqual(first);
      }
    });

    it("refuses a target whatever is resident, or never", () => {
      for (const s of all) {
        expect(planner.plan(s.target, s.resident).ok).toBe(planner.plan(s.target, []).ok);
      }
    });

    it("after the evictions, the survivors plus the target are allowed", () => {
      for (const s of all) {
        const result = planner.plan(s.target, s.resident);
        if (!result.ok) continue;
        expect(planner.allows([...survivors(s, result.evict), s.target]), JSON.stringify(s)).toBe(true);
      }
    });

    it("planning again against the survivors evicts nothing more", () => {
      for (const s of all) {
        const result = planner.plan(s.target, s.resident);
        if (!result.ok) continue;
        const rest = s.resident.filter((r) => !result.evict.includes(r.id));
        expect(planner.plan(s.target, rest)).toEqual({ ok: true, evict: [] });
      }
    });

    it("allows() ignores order and duplicates and is closed under subsets", () => {
      for (const s of all) {
        const set = [...new Set([...s.resident.map((r) => r.id), s.target])];
        const allowed = planner.allows(set);
        expect(planner.allows([...set].reverse())).toBe(allowed);
        expect(planner.allows([...set, ...set])).toBe(allowed);
        if (!allowed) continue;
        for (const id of set) expect(planner.allows(set.filter((x) => x !== id))).toBe(true);
      }
    });
  });
}
