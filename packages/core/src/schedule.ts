/**
 * What every step does after its event handler, in this order:
 * 1. grant what the scheduler picks (counted in flight in the same step);
 * 2. stop drained models and models idle past their TTL;
 * 3. begin the swaps the scheduler asks for; 4. start pending models whose way is clear;
 *    (1-4 repeat until nothing changes)
 * 5. emit shutdownComplete once, when everything is down;
 * 6. report changed queue positions; 7. ask for a tick at the next deadline.
 */
import { addInFlight, dequeueAt, editModel, editQueued, putGranted, queuedModelSet } from "./draft.ts";
import { anyGranted } from "./granted.ts";
import { modelConfig } from "./models.ts";
import { headOfLine } from "./queue.ts";
import type { ModelState, RequestRecord } from "./state.ts";
import { type StepContext, stopModel } from "./step-context.ts";
import { runSwaps, startPending } from "./swaps.ts";

function grant(ctx: StepContext, r: RequestRecord): void {
  const { d } = ctx;
  const at = d.queue.findIndex((q) => q.id === r.id);
  const m = editModel(ctx, r.model);
  if (!m || at < 0) return;
  dequeueAt(ctx, at);
  putGranted(ctx, { ...r, status: "granted", instance: m.instance, reported: null });
  addInFlight(ctx, m, r.id);
  m.grantLimit = modelConfig(d, r.model)?.concurrencyLimit ?? m.inFlight.length;
  m.lastUsedAt = d.now;
  ctx.effects.push({ type: "grant", requestId: r.id, model: r.model, instance: m.instance });
  countBypass(ctx, r);
}

/**
 * Starvation bound bookkeeping: granting `r` passes over the head of the line when the head
 * arrived earlier and its model cannot run alongside `r`'s (so `r` keeps busy a model that
 * has to go first). Only the head is counted: the bound protects the head of the line.
 */
function countBypass(ctx: StepContext, r: RequestRecord): void {
  const head = headOfLine(ctx.d);
  if (!head || head.request.seq > r.seq || head.request.model === r.model) return;
  if (ctx.planner.allows([head.request.model, r.model])) return;
  const edited = editQueued(ctx, head.index);
  if (edited) edited.bypassed += 1;
}

export function grantAll(ctx: StepContext): void {
  if (ctx.d.shuttingDown) return;
  for (let r = ctx.scheduler.nextGrant(ctx.d); r; r = ctx.scheduler.nextGrant(ctx.d)) grant(ctx, r);
}

/** The TTL in force for a model, 0 = none. */
function ttlOf(ctx: StepContext, id: string): number {
  const cfg = modelConfig(ctx.d, id);
  if (!cfg) return 0;
  return cfg.ttlMs > 0 ? cfg.ttlMs : ctx.d.config.globalTtlMs;
}

/** When an idle ready model's TTL runs out, or null when it has none or is not idle. */
function ttlDeadline(ctx: StepContext, m: ModelState, queued: ReadonlySet<string>): number | null {
  const id = m.id;
  if (m.phase !== "ready" || m.draining || m.inFlight.length > 0 || queued.has(id)) return null;
  const ttl = ttlOf(ctx, id);
  if (ttl <= 0) return null;
  return m.lastUsedAt + ttl;
}

function stopIdle(ctx: StepContext): void {
  const { d } = ctx;
  const queued = queuedModelSet(ctx);
  for (const m of Object.values(d.models)) {
    const id = m.id;
    if (m.inFlight.length > 0) continue;
    if (m.draining && (m.phase === "ready" || m.phase === "starting")) {
      stopModel(ctx, id, m.stopReason ?? "evict");
      continue;
    }
    const due = ttlDeadline(ctx, m, queued);
    if (due !== null && d.now >= due) stopModel(ctx, id, "ttl");
  }
}

function checkShutdown(ctx: StepContext): void {
  const { d } = ctx;
  if (!d.shuttingDown || d.shutdownDone) return;
  if (Object.values(d.models).some((m) => m.phase !== "stopped" && m.phase !== "failed")) return;
  if (!d.shutdownForce && anyGranted(d)) return;
  d.shutdownDone = true;
  ctx.effects.push({ type: "shutdownComplete" });
}

function reportPositions(ctx: StepContext): void {
  const { d } = ctx;
  if (d.queue.length === 0) return; // nobody to tell (and no model walk for the loading set)
  let indexOf: Map<string, number> | undefined; // built only when something changed
  // Loading models are few: a set of them answers most requests with a cheap miss.
  const loadingModels = new Set<string>();
  for (const id in d.models) {
    const phase = d.models[id]?.phase;
    if (phase === "starting" || phase === "pending") loadingModels.add(id);
  }
  const order = ctx.scheduler.order(d);
  for (let position = 0; position < order.length; position += 1) {
    const r = order[position];
    if (!r) continue;
    const loading = loadingModels.size > 0 && loadingModels.has(r.model);
    if (r.reported?.position === position && r.reported.loading === loading) continue;
    // Usually the service order is the queue order, so the record sits at its position;
    // otherwise look it up (an index of the whole queue, built once, only when needed).
    let at = position;
    if (d.queue[at] !== r) {
      indexOf ??= new Map(d.queue.map((q, i) => [q.id, i]));
      at = indexOf.get(r.id) ?? -1;
    }
    const rec = editQueued(ctx, at);
    if (!rec) continue;
    rec.reported = { position, loading };
    ctx.effects.push({ type: "queuePosition", requestId: r.id, model: r.model, position, loading });
  }
}

function requestWake(ctx: StepContext): void {
  const { d } = ctx;
  let next = ctx.scheduler.deadline(d);
  const queued = queuedModelSet(ctx);
  for (const m of Object.values(d.models)) {
    const due = ttlDeadline(ctx, m, queued);
    if (due !== null && due > d.now && (next === null || due < next)) next = due;
  }
  if (next === null || next === d.wakeAt) return;
  d.wakeAt = next;
  ctx.effects.push({ type: "wakeAt", at: next });
}

/** Bring the draft to rest after an event (see the numbered list above). */
export function settle(ctx: StepContext): void {
  // Each round can only enable a bounded chain of decisions; 8 rounds is far more than any
  // chain needs, and the cap keeps a planner bug from looping for ever.
  for (let round = 0; round < 8; round += 1) {
    const before = ctx.effects.length;
    grantAll(ctx);
    stopIdle(ctx);
    // A swap can begin without an effect (a forced one only marks evictees draining), and
    // grants held back for a starving request may then go ahead: that counts as progress.
    const swapped = runSwaps(ctx);
    startPending(ctx);
    if (ctx.effects.length === before && !swapped) break;
  }
  checkShutdown(ctx);
  reportPositions(ctx);
  requestWake(ctx);
}
