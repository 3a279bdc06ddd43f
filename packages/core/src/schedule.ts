/**
 * What every step does after its event handler, in this order:
 * 1. grant what the scheduler picks (counted in flight in the same step);
 * 2. stop drained models and models idle past their TTL;
 * 3. begin the swaps the scheduler asks for; 4. start pending models whose way is clear;
 *    (1-4 repeat until nothing changes)
 * 5. emit shutdownComplete once, when everything is down;
 * 6. report changed queue positions; 7. ask for a tick at the next deadline.
 */
import { dequeueAt, editModel, editQueued, putGranted, queuedModelSet } from "./draft.ts";
import { anyGranted } from "./granted.ts";
import { modelConfig, residentViews } from "./models.ts";
import { headOfLine } from "./queue.ts";
import { copyRequest } from "./record-copies.ts";
import type { ModelState, RequestRecord } from "./state.ts";
import { type StepContext, stopModel } from "./step-context.ts";
import { runSwaps, startPending } from "./swaps.ts";

function grant(ctx: StepContext, r: RequestRecord, pass: GrantPass): void {
  const { d } = ctx;
  const at = d.queue.findIndex((q) => q.id === r.id);
  const m = editModel(ctx, r.model);
  if (!m || at < 0) return;
  // Decided before the grant makes r's model busier (which could change the head's plan).
  const bypassed = passedOver(ctx, r, pass);
  dequeueAt(ctx, at);
  const granted = copyRequest(r);
  granted.status = "granted";
  granted.instance = m.instance;
  granted.reported = null;
  putGranted(ctx, granted);
  // Counted against m.instance from now on (see `countsInFlight`).
  m.inFlight += 1;
  m.grantLimit = modelConfig(d, r.model)?.concurrencyLimit ?? m.inFlight;
  m.lastUsedAt = d.now;
  ctx.effects.push({ type: "grant", requestId: r.id, model: r.model, instance: m.instance });
  // r arrived after the head, so it sat later in the queue: the head's index still holds.
  if (bypassed) countBypass(ctx, bypassed.index);
}

/** What a grant pass works out about the head of the line, at most once. */
interface HeadPlan {
  /** The head request it was worked out for (the head changes only between passes). */
  readonly head: string;
  /** The models the head's swap has to evict. */
  readonly evict: ReadonlySet<string>;
  /** The other residents not already leaving, when the head does not fit beside them all, else null. */
  readonly others: readonly string[] | null;
  /** Per model: whether it alone stands in the head's way (answered once per pass). */
  readonly alone: Map<string, boolean>;
}

interface GrantPass {
  plan: HeadPlan | null;
}

/**
 * The head's swap as the swap code would plan it now (same resident views): the evictees its
 * pending swap waits for, or what the planner would evict. Worked out once per grant pass:
 * grants only make models busier, and swaps happen between passes.
 */
function planHead(ctx: StepContext, head: RequestRecord, pass: GrantPass): HeadPlan {
  if (pass.plan?.head === head.id) return pass.plan;
  const views = residentViews(ctx.d, head.model, queuedModelSet(ctx));
  const m = ctx.d.models[head.model];
  const leaving = m?.phase === "pending" ? m.evictees : [];
  let evict = leaving;
  if (m?.phase !== "pending") {
    const plan = ctx.planner.plan(head.model, views);
    evict = plan.ok ? plan.evict : [];
  }
  // Models already leaving (stopping, or evictees of its begun swap) are not in its way.
  const others = views.filter((v) => v.phase !== "stopping" && !leaving.includes(v.id)).map((v) => v.id);
  const blocked = !ctx.planner.allows([...others, head.model]);
  pass.plan = { head: head.id, evict: new Set(evict), others: blocked ? others : null, alone: new Map() };
  return pass.plan;
}

/** Whether `model` alone stands in the head's way: without it, the head would fit. */
function standsAlone(ctx: StepContext, head: RequestRecord, plan: HeadPlan, model: string): boolean {
  const { others } = plan;
  if (others === null || !others.includes(model)) return false;
  let alone = plan.alone.get(model);
  if (alone === undefined) {
    alone = ctx.planner.allows([...others.filter((id) => id !== model), head.model]);
    plan.alone.set(model, alone);
  }
  return alone;
}

/**
 * Starvation bound: whether granting `r` passes over the head of the line (see `headOfLine`:
 * its model stopped, failed or pending), returning the head if so. It does when the head
 * arrived earlier, wants another model, and `r`'s model has to go first or may have to:
 * 1. it cannot run alongside the head's model; or
 * 2. the head's swap (as planned now) evicts it; or
 * 3. it alone stands in the way (the head would fit beside every other resident).
 * 2 and 3 catch conflicts no pair shows (A and B fit together, C fits with either but not
 * with both). 3 is needed besides 2: the planner evicts the least recently used, and a grant
 * usually follows a finish on the same model, so its plan would name the other one each time.
 * Only the head is counted: the bound protects the head of the line.
 */
function passedOver(
  ctx: StepContext,
  r: RequestRecord,
  pass: GrantPass,
): { readonly index: number } | undefined {
  const head = headOfLine(ctx.d);
  if (!head || head.request.seq > r.seq || head.request.model === r.model) return undefined;
  if (!ctx.planner.allows([head.request.model, r.model])) return head;
  const plan = planHead(ctx, head.request, pass);
  if (plan.evict.has(r.model) || standsAlone(ctx, head.request, plan, r.model)) return head;
  return undefined;
}

/** Count a bypass against the head of the line, queued at `index`. */
function countBypass(ctx: StepContext, index: number): void {
  const edited = editQueued(ctx, index);
  if (edited) edited.bypassed += 1;
}

export function grantAll(ctx: StepContext): void {
  if (ctx.d.shuttingDown) return;
  const pass: GrantPass = { plan: null };
  for (let r = ctx.scheduler.nextGrant(ctx.d); r; r = ctx.scheduler.nextGrant(ctx.d)) grant(ctx, r, pass);
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
  if (m.phase !== "ready" || m.draining || m.inFlight > 0 || queued.has(id)) return null;
  const ttl = ttlOf(ctx, id);
  if (ttl <= 0) return null;
  return m.lastUsedAt + ttl;
}

function stopIdle(ctx: StepContext): void {
  const { d } = ctx;
  const queued = queuedModelSet(ctx);
  for (const m of Object.values(d.models)) {
    const id = m.id;
    if (m.inFlight > 0) continue;
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
