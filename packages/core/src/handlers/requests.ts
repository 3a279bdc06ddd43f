/**
 * Handlers for events about requests: arrival, cancellation, delivery, completion.
 * Each changes only the draft in `ctx`; scheduling follows in `settle`.
 */
import { editGranted, editModel, enqueue, removeGranted, removeQueued } from "../draft.ts";
import { CoreInvariantError, type RejectCode } from "../errors.ts";
import type { EventOf } from "../events.ts";
import { configuredModel, countsInFlight } from "../models.ts";
import type { Planner, PlanResult } from "../planner.ts";
import { requestOf } from "../queue.ts";
import { grantAll } from "../schedule.ts";
import type { RequestRecord } from "../state.ts";
import { reject, type StepContext } from "../step-context.ts";

/**
 * Whether `model` could run at all, alone: the plan with nothing resident. Planners are pure
 * and cached per config, so the answer is kept per planner (not state) instead of being
 * planned again for every arriving request.
 */
const alonePlans = new WeakMap<Planner, Map<string, PlanResult>>();

function planAlone(planner: Planner, model: string): PlanResult {
  let plans = alonePlans.get(planner);
  if (plans === undefined) {
    plans = new Map();
    alonePlans.set(planner, plans);
  }
  let plan = plans.get(model);
  if (plan === undefined) {
    plan = planner.plan(model, []);
    plans.set(model, plan);
  }
  return plan;
}

function rejectNow(ctx: StepContext, requestId: string, code: RejectCode, message: string): true {
  ctx.effects.push({ type: "reject", requestId, error: { code, message } });
  return true;
}

/** Checks that answer a request at once, before it may queue. Returns true when rejected. */
function rejectedOnArrival(ctx: StepContext, e: EventOf<"requestArrived">): boolean {
  const { d } = ctx;
  if (requestOf(d, e.id))
    return rejectNow(ctx, e.id, "DUPLICATE_REQUEST", `request id ${e.id} is already live`);
  if (d.shuttingDown) return rejectNow(ctx, e.id, "SHUTTING_DOWN", "the proxy is shutting down");
  const cfg = configuredModel(d, e.model);
  if (!cfg) return rejectNow(ctx, e.id, "UNKNOWN_MODEL", `no model ${e.model} is configured`);
  const plan = planAlone(ctx.planner, e.model);
  if (!plan.ok) return rejectNow(ctx, e.id, "NEVER_FITS", plan.message);
  const m = d.models[e.model];
  const atLimit = m?.phase === "ready" && !m.draining && m.inFlight >= cfg.concurrencyLimit;
  if (atLimit && d.config.onConcurrencyLimit === "reject") {
    const message = `${e.model} is serving ${cfg.concurrencyLimit} requests already`;
    return rejectNow(ctx, e.id, "CONCURRENCY_LIMIT", message);
  }
  return false;
}

export function requestArrived(ctx: StepContext, e: EventOf<"requestArrived">): void {
  const { d } = ctx;
  if (rejectedOnArrival(ctx, e)) return;
  const cfg = configuredModel(d, e.model);
  const priority = e.priority ?? cfg?.priority ?? 0;
  const record: RequestRecord = {
    id: e.id,
    // The config's string (equal to e.model): every record of a model then shares one string
    // object, which makes the per-request keyed lookups of long queues markedly cheaper.
    model: cfg?.id ?? e.model,
    status: "queued",
    arrivedAt: e.at,
    seq: d.nextSeq,
    priority,
    bypassed: 0,
    instance: 0,
    delivered: false,
    reported: null,
  };
  d.nextSeq += 1;
  enqueue(ctx, record);
  // Grant first: a request served at once never counts against the queue limit.
  grantAll(ctx);
  const max = d.config.maxQueueLength;
  // Granting only removes from the queue, so if the request still waits it is the last one.
  if (max > 0 && d.queue.at(-1)?.id === e.id && d.queue.length > max) {
    reject(ctx, e.id, "QUEUE_FULL", `${max} requests are waiting already`);
  }
}

/**
 * Forget a granted request and, while it still counts against its model's process (see
 * `countsInFlight`; not once that process is gone), free its slot and make now the model's
 * last use. false if it was not granted.
 */
function finish(ctx: StepContext, id: string): boolean {
  const { d } = ctx;
  const r = removeGranted(ctx, id);
  if (!r) return false;
  if (!countsInFlight(d.models[r.model], r.instance)) return true;
  const m = editModel(ctx, r.model);
  if (!m) return true;
  if (m.inFlight <= 0)
    throw new CoreInvariantError(`${id} counts in flight on ${m.id}, whose count is ${m.inFlight}`);
  m.inFlight -= 1;
  m.lastUsedAt = d.now;
  return true;
}

export function requestCancelled(ctx: StepContext, e: EventOf<"requestCancelled">): void {
  if (finish(ctx, e.id)) return;
  // A queued request's client is gone: nobody to answer.
  removeQueued(ctx, e.id);
}

export function grantDelivered(ctx: StepContext, e: EventOf<"grantDelivered">): void {
  const r = editGranted(ctx, e.id);
  if (r) r.delivered = true;
}

export function serveFinished(ctx: StepContext, e: EventOf<"serveFinished">): void {
  finish(ctx, e.id);
}
