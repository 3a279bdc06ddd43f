/**
 * Device budgets: `config.devices` gives each device's capacity, `model.memory` what a model
 * needs on each. A set of models may be resident together when, on every device, their
 * needs add up to at most its capacity. Models with no needs take nothing.
 *
 * Stopping models are never evicted (they are leaving). allows() counts their memory, so the
 * scheduler waits for them to go before starting the target; plan() counts it as about to be
 * freed, so it never stops an extra model merely to start a little sooner.
 *
 * Choosing whom to evict is a multi-dimensional covering problem (NP-hard in general). We
 * take the best of a few polynomial candidates instead: every single model that covers the
 * shortfall alone, a greedy pass in least-recently-used order and a greedy pass largest
 * first, each pruned of members it turns out not to need, O(n^2 * devices) in all. Resident
 * sets are a handful of models on one to a few devices, where the common optima (one model
 * big enough, or the least recently used tail) are among the candidates. A miss costs an
 * extra reload later, never correctness: every result frees enough and has no member to
 * spare, and it never takes a busy model where idle ones would do.
 */
import type { CoreConfig } from "../config.ts";
import type { Planner, PlanResult, ResidentView } from "../planner.ts";
import { type ConfigRank, configRank, sortByConfig } from "./config-order.ts";

type Needs = Readonly<Record<string, number>>;
type Deficit = Map<string, number>;

interface Candidate {
  readonly id: string;
  readonly needs: Needs;
  readonly lastUsedAt: number;
  readonly rank: number;
  readonly busy: boolean;
}

function covers(chosen: readonly Candidate[], deficit: Deficit): boolean {
  for (const [device, short] of deficit) {
    const freed = chosen.reduce((sum, c) => sum + (c.needs[device] ?? 0), 0);
    if (freed < short) return false;
  }
  return true;
}

/** Adds candidates in `order` until the deficit is covered, then drops the last-added ones it can spare. */
function greedy(order: readonly Candidate[], deficit: Deficit): Candidate[] | undefined {
  const chosen: Candidate[] = [];
  for (const c of order) {
    if (covers(chosen, deficit)) break;
    const helps = [...deficit].some(([device, short]) => short > 0 && (c.needs[device] ?? 0) > 0);
    if (helps) chosen.push(c);
  }
  if (!covers(chosen, deficit)) return undefined;
  for (let i = chosen.length - 1; i >= 0; i--) {
    const without = chosen.filter((_, j) => j !== i);
    if (covers(without, deficit)) chosen.splice(i, 1);
  }
  return chosen;
}

function freedTotal(chosen: readonly Candidate[], devices: Needs): number {
  let total = 0;
  for (const c of chosen) {
    for (const [device, need] of Object.entries(c.needs)) if (Object.hasOwn(devices, device)) total += need;
  }
  return total;
}

function lexCompare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Fewest busy, then fewest models, then least memory freed, then least recently used, then config order. */
function better(a: readonly Candidate[], b: readonly Candidate[], devices: Needs): number {
  const busy = (set: readonly Candidate[]): number => set.filter((c) => c.busy).length;
  return (
    busy(a) - busy(b) ||
    a.length - b.length ||
    freedTotal(a, devices) - freedTotal(b, devices) ||
    lexCompare(
      a.map((c) => c.lastUsedAt).sort((x, y) => y - x),
      b.map((c) => c.lastUsedAt).sort((x, y) => y - x),
    ) ||
    lexCompare(
      a.map((c) => c.rank).sort((x, y) => x - y),
      b.map((c) => c.rank).sort((x, y) => x - y),
    )
  );
}

/** Covers of `deficit` from `pool` (in preference order): each single model that suffices, two greedy passes. */
function options(pool: readonly Candidate[], deficit: Deficit): Candidate[][] {
  if (![...deficit.values()].some((short) => short > 0)) return [[]];
  const size = (c: Candidate): number => [...deficit.keys()].reduce((s, d) => s + (c.needs[d] ?? 0), 0);
  const largest = [...pool].sort((a, b) => size(b) - size(a));
  return [
    ...pool.filter((c) => covers([c], deficit)).map((c) => [c]),
    greedy(pool, deficit),
    greedy(largest, deficit),
  ].filter((o): o is Candidate[] => o !== undefined);
}

function best(sets: readonly Candidate[][], devices: Needs): Candidate[] | undefined {
  return [...sets].sort((a, b) => better(a, b, devices))[0];
}

function subtract(deficit: Deficit, chosen: readonly Candidate[]): Deficit {
  const rest = new Map(deficit);
  for (const c of chosen) {
    for (const [device, short] of rest) rest.set(device, short - (c.needs[device] ?? 0));
  }
  return rest;
}

function byLeastRecent(a: Candidate, b: Candidate): number {
  return a.lastUsedAt - b.lastUsedAt || a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Candidates come from the whole pool (idle ones first, so greedy passes reach busy ones
 * last) and, when idle models alone fall short, from a tiered build: as few busy models as
 * cover what evicting every idle one cannot, then the idle ones still needed.
 * `evictable` is sorted least recently used first; the deficit is always coverable.
 */
function chooseEvictions(evictable: readonly Candidate[], deficit: Deficit, devices: Needs): Candidate[] {
  const idle = evictable.filter((c) => !c.busy);
  const busy = evictable.filter((c) => c.busy);
  const found = options([...idle, ...busy], deficit);
  if (covers(idle, deficit)) {
    found.push(...options(idle, deficit));
  } else {
    const busyPart = best(options(busy, subtract(deficit, idle)), devices) ?? busy;
    const idlePart = best(options(idle, subtract(deficit, busyPart)), devices) ?? idle;
    found.push([...busyPart, ...idlePart]);
  }
  return best(found, devices) ?? [...evictable];
}

/** Pure. A planner for device budgets only; with no devices configured it constrains nothing. */
export function createMemoryPlanner(config: CoreConfig): Planner {
  const devices = config.devices;
  const constrained = Object.keys(devices).length > 0;
  const rank: ConfigRank = configRank(config);
  const needsById = new Map<string, Needs>();
  for (const model of config.models) if (!needsById.has(model.id)) needsById.set(model.id, model.memory);
  const needsOf = (id: string): Needs => needsById.get(id) ?? {};

  const neverFits = (id: string): string | undefined => {
    for (const [device, need] of Object.entries(needsOf(id))) {
      if (need <= 0) continue;
      if (!Object.hasOwn(devices, device)) {
        return `model '${id}' needs ${need} on device '${device}', which is not a configured device`;
      }
      if (need > devices[device]!) {
        return `model '${id}' needs ${need} on device '${device}', which holds only ${devices[device]}`;
      }
    }
    return undefined;
  };

  return {
    plan(target: string, resident: readonly ResidentView[]): PlanResult {
      if (!constrained) return { ok: true, evict: [] };
      const message = neverFits(target);
      if (message !== undefined) return { ok: false, message };
      const running = new Map<string, ResidentView>();
      for (const r of resident) if (r.phase !== "stopping" && r.id !== target) running.set(r.id, r);
      const evictable = [...running.values()]
        .map((r) => ({
          id: r.id,
          needs: needsOf(r.id),
          lastUsedAt: r.lastUsedAt,
          rank: rank(r.id),
          busy: r.busy,
        }))
        .sort(byLeastRecent);
      const deficit: Deficit = new Map();
      for (const [device, capacity] of Object.entries(devices)) {
        const used = [target, ...evictable.map((c) => c.id)].reduce(
          (s, id) => s + (needsOf(id)[device] ?? 0),
          0,
        );
        if (used > capacity) deficit.set(device, used - capacity);
      }
      if (deficit.size === 0) return { ok: true, evict: [] };
      const chosen = chooseEvictions(evictable, deficit, devices);
      return { ok: true, evict: sortByConfig(new Set(chosen.map((c) => c.id)), rank) };
    },
    allows(models: readonly string[]): boolean {
      if (!constrained) return true;
      const used = new Map<string, number>();
      for (const id of new Set(models)) {
        for (const [device, need] of Object.entries(needsOf(id))) {
          if (need <= 0) continue;
          if (!Object.hasOwn(devices, device)) return false;
          used.set(device, (used.get(device) ?? 0) + need);
        }
      }
      return [...used].every(([device, total]) => total <= devices[device]!);
    },
  };
}
