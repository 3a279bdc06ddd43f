/**
 * Loading models: choosing evictees through the planner, stopping them, and starting a
 * pending model once they are gone. Rules (numbered because their order matters):
 * 1. A candidate whose evictees are all idle stops them now and becomes pending.
 * 2. A forced candidate becomes pending at once; busy evictees drain (no new grants) and
 *    stop when idle.
 * 3. Any other candidate waits, and reserves its place: a later candidate may go ahead only
 *    if the planner would still allow the waiting one after both swaps.
 * 4. A pending model starts only when none of its evictees is resident and the planner
 *    allows the processes that hold resources plus it.
 */
import { editModel, queuedModelSet } from "./draft.ts";
import { configuredModels, holderIds, isBusy, isResident, needsSwap, residentViews } from "./models.ts";
import type { SwapCandidate } from "./schedulers/scheduler.ts";
import type { ModelState } from "./state.ts";
import { drainModel, rejectQueued, type StepContext, setStopped, stopModel } from "./step-context.ts";

/** How many waiting swaps one step looks past before it stops considering later candidates. */
export const MAX_WAITING_SWAPS = 8;

interface Reservation {
  readonly target: string;
  readonly evict: readonly string[];
}

/** `residents`: the resident models of the current config (pending included), as now. */
function respects(
  ctx: StepContext,
  held: readonly Reservation[],
  target: string,
  evict: string[],
  residents: readonly ModelState[],
): boolean {
  return held.every((r) => {
    const gone = new Set([...r.evict, ...evict]);
    const after = residents.map((m) => m.id).filter((id) => !gone.has(id));
    return ctx.planner.allows([...after, r.target, target]);
  });
}

/** Make `target` pending behind `evict`: idle evictees stop now, busy ones drain. */
function beginSwap(ctx: StepContext, target: string, evict: readonly string[]): void {
  for (const id of evict) {
    const m = ctx.d.models[id];
    if (!m) continue;
    if (m.phase === "pending") setStopped(ctx, id);
    else if (m.inFlight === 0) stopModel(ctx, id, "evict");
    else drainModel(ctx, id, "evict");
  }
  // A model loaded again is no longer an evictee of earlier swaps: the planner placed it
  // alongside them this time, and they must not wait for it to go.
  for (const other of Object.values(ctx.d.models)) {
    if (other.phase !== "pending" || !other.evictees.includes(target)) continue;
    const edited = editModel(ctx, other.id);
    if (edited) edited.evictees = edited.evictees.filter((id) => id !== target);
  }
  const m = editModel(ctx, target);
  if (!m) return;
  m.phase = "pending";
  m.evictees = [...evict];
  ctx.d.preloads = ctx.d.preloads.filter((id) => id !== target);
}

function neverFits(ctx: StepContext, model: string, message: string): void {
  ctx.d.preloads = ctx.d.preloads.filter((id) => id !== model);
  rejectQueued(
    ctx,
    (m) => m === model,
    "NEVER_FITS",
    () => message,
  );
}

/**
 * Whether a request older than every request for `target` waits for one of `evict`. A forced
 * swap then waits like any other: forcing it would evict the model an older request is about
 * to get, and that request would in turn force it back (a livelock).
 */
function servesOlder(ctx: StepContext, target: string, evict: readonly string[]): boolean {
  const evicted = new Set(evict);
  for (const r of ctx.d.queue) {
    if (r.model === target) return false;
    if (evicted.has(r.model)) return true;
  }
  return false;
}

/** What a swap pass computes once: the queued models, and the residents until a swap. */
interface SwapPass {
  readonly queued: ReadonlySet<string>;
  residents: ModelState[] | null;
}

/**
 * `queued` (the models requests wait for) is computed once per pass: within a pass the queue
 * only loses never-fitting requests, which at worst makes a model look busy a pass longer.
 */
function trySwap(ctx: StepContext, cand: SwapCandidate, held: Reservation[], pass: SwapPass): boolean {
  const { d } = ctx;
  const { queued } = pass;
  if (!needsSwap(d.models[cand.model])) return false;
  // Residents are listed once per pass and again only after a swap changed the models.
  pass.residents ??= configuredModels(d, isResident);
  const plan = ctx.planner.plan(cand.model, residentViews(d, cand.model, queued, pass.residents));
  if (!plan.ok) {
    neverFits(ctx, cand.model, plan.message);
    return true;
  }
  const evict = plan.evict.filter((id) => {
    const m = d.models[id];
    return isResident(m) && m?.phase !== "stopping";
  });
  const force = cand.force && !servesOlder(ctx, cand.model, evict);
  if (!force && evict.some((id) => isBusy(d, id, queued))) {
    held.push({ target: cand.model, evict });
    return false;
  }
  if (!respects(ctx, held, cand.model, evict, pass.residents)) return false;
  beginSwap(ctx, cand.model, evict);
  return true;
}

/** Begin the swaps the scheduler asks for, in its order. Returns whether anything changed. */
export function runSwaps(ctx: StepContext): boolean {
  if (ctx.d.shuttingDown) return false;
  // Candidates come only from waiting requests and preloads (see SwapCandidate): with
  // neither, as on nearly every step of a proxy keeping up, there is nothing to ask.
  if (ctx.d.queue.length === 0 && ctx.d.preloads.length === 0) return false;
  let changed = false;
  const held: Reservation[] = [];
  const pass: SwapPass = { queued: queuedModelSet(ctx), residents: null };
  for (const cand of ctx.scheduler.swapCandidates(ctx.d)) {
    // Past a few waiting swaps, a later candidate could rarely start around all of them,
    // and planning each of hundreds of candidates on every step would dominate step time.
    if (held.length >= MAX_WAITING_SWAPS) break;
    if (trySwap(ctx, cand, held, pass)) {
      changed = true;
      pass.residents = null;
    }
  }
  return changed;
}

/**
 * A pending model whose evictees are gone but which the planner still refuses, with nothing
 * stopping or draining that could change that: plan again rather than wait for ever.
 */
function replan(ctx: StepContext, target: string): void {
  const { d } = ctx;
  const settling = Object.values(d.models).some((m) => m.phase === "stopping" || m.draining);
  if (settling) return;
  const plan = ctx.planner.plan(target, residentViews(d, target, queuedModelSet(ctx)));
  if (!plan.ok) {
    setStopped(ctx, target);
    neverFits(ctx, target, plan.message);
    return;
  }
  const evict = plan.evict.filter((id) => isResident(d.models[id]) && d.models[id]?.phase !== "stopping");
  if (evict.length === 0) return;
  beginSwap(ctx, target, evict);
}

/**
 * After a config reload: each pending swap was planned under the old planner, so its
 * evictees may not be what the new one needs (it may now exclude a model the old one let run
 * alongside, which would then go on serving later requests). Plan each again under the new
 * planner: when the new evictees are all idle the swap goes on with them (they stop now);
 * otherwise the model returns to stopped and the scheduler decides afresh, as for any swap
 * (wait for them, or force them if its request is starving). A model pending for a preload
 * alone goes back to the preloads.
 */
export function replanPendingSwaps(ctx: StepContext): void {
  const { d } = ctx;
  const queued = queuedModelSet(ctx);
  for (const m of configuredModels(d, (o) => o.phase === "pending")) {
    const plan = ctx.planner.plan(m.id, residentViews(d, m.id, queued));
    if (plan.ok) {
      const evict = plan.evict.filter((id) => isResident(d.models[id]) && d.models[id]?.phase !== "stopping");
      if (!evict.some((id) => isBusy(d, id, queued))) {
        beginSwap(ctx, m.id, evict);
        continue;
      }
    }
    setStopped(ctx, m.id);
    if (!queued.has(m.id) && !d.preloads.includes(m.id)) d.preloads.push(m.id);
  }
}

/** Start every pending model whose way is clear (rule 4). */
export function startPending(ctx: StepContext): void {
  const { d } = ctx;
  if (d.shuttingDown) return;
  // One pass answers both early outs (this runs every step, and a model is rarely pending).
  let anyPending = false;
  for (const o of Object.values(d.models)) {
    // Nothing starts while a retired model still runs: the new config's planner cannot see it.
    if (o.retired !== null && isResident(o)) return;
    if (o.phase === "pending") anyPending = true;
  }
  if (!anyPending) return;
  for (const m of configuredModels(d, (o) => o.phase === "pending")) {
    if (m.evictees.some((id) => isResident(d.models[id]))) continue;
    if (!ctx.planner.allows([...holderIds(d), m.id])) {
      replan(ctx, m.id);
      continue;
    }
    const started = editModel(ctx, m.id);
    if (!started) continue;
    started.phase = "starting";
    started.instance = d.nextInstance;
    d.nextInstance += 1;
    ctx.effects.push({ type: "startProcess", model: m.id, instance: started.instance });
  }
}
