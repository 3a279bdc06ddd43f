/**
 * fifo: priority (higher first), then arrival. Requests for a loaded model are served
 * before a swap that would evict it (collation), and a swap waits for its evictees to
 * drain. Starvation bound, for the head of the line (the oldest request whose model has no
 * process, see `headOfLine`): once later grants have passed it over `maxBypass` times (a
 * grant to a model that has to or may have to make room for it, see `passedOver` in
 * schedule.ts), or it has waited `maxWaitMs` (0 = off for each), no more later grants are
 * made until its swap is forced (evictees drain, then stop). So no request is passed over
 * more than `maxBypass` times. Only the head can force: a younger request forcing would
 * evict the swap an older one waits on, and two starving requests would then evict each
 * other for ever. A head whose model is pending has its swap under way already: its
 * evictees drain or stop and take no grants, and nothing else resident is in its way (the
 * planner placed it beside them, and a config reload plans a pending swap again), so later
 * grants go on meanwhile without passing it over.
 */
import type { SchedulerConfig } from "../config.ts";
import { canGrant, needsSwap } from "../models.ts";
import { byPriorityThenArrival, headOfLine, queuedRequests } from "../queue.ts";
import type { RequestRecord, State } from "../state.ts";
import type { Scheduler, SwapCandidate } from "./scheduler.ts";

type FifoConfig = Extract<SchedulerConfig, { kind: "fifo" }>;

/** The head of the line when its swap has not begun (its model is stopped or failed). */
function waitingHead(state: State): RequestRecord | undefined {
  const head = headOfLine(state)?.request;
  return head && needsSwap(state.models[head.model]) ? head : undefined;
}

function isStarving(config: FifoConfig, state: State, r: RequestRecord): boolean {
  if (config.maxBypass > 0 && r.bypassed >= config.maxBypass) return true;
  return config.maxWaitMs > 0 && state.now - r.arrivedAt >= config.maxWaitMs;
}

/** The head of the line if it is starving: its swap must be forced before any more grants. */
function starvingHead(config: FifoConfig, state: State): RequestRecord | undefined {
  const head = waitingHead(state);
  return head && isStarving(config, state, head) ? head : undefined;
}

/**
 * Ids of the models that can take a request now (`canGrant`). Enumerates the state's record
 * (cheap) and looks up only ready models' configs.
 */
function grantableModels(state: State): Set<string> {
  const out = new Set<string>();
  for (const m of Object.values(state.models)) {
    if (m.phase === "ready" && canGrant(state, m.id)) out.add(m.id);
  }
  return out;
}

/**
 * The distinct models of queued requests that need a swap, in the order their first request
 * comes in fifo order: each model ranked by its best request, without sorting the queue.
 */
function swapModelsInOrder(state: State): string[] {
  const queue = state.queue;
  if (queue.length === 0) return [];
  // With one priority throughout, a model's first request in the queue is its best, so the
  // scan may stop once every model that needs a swap has been met.
  const priority = queue[0]?.priority;
  let uniform = true;
  for (const r of queue) {
    if (r.priority !== priority) {
      uniform = false;
      break;
    }
  }
  let unseen = Number.POSITIVE_INFINITY;
  if (uniform) {
    unseen = 0;
    for (const m of Object.values(state.models)) if (needsSwap(m)) unseen += 1;
  }
  // Per model: its best request so far, or null when it needs no swap (one lookup a request).
  const first = new Map<string, RequestRecord | null>();
  for (const r of queue) {
    if (unseen === 0) break;
    const seen = first.get(r.model);
    if (seen === null) continue;
    if (seen === undefined) {
      // state.models[r.model] is the model keyed r.model; needsSwap counted it above.
      const needs = needsSwap(state.models[r.model]);
      first.set(r.model, needs ? r : null);
      if (needs) unseen -= 1;
    } else if (byPriorityThenArrival(r, seen) < 0) first.set(r.model, r);
  }
  const best: RequestRecord[] = [];
  for (const r of first.values()) if (r !== null) best.push(r);
  return best.sort(byPriorityThenArrival).map((r) => r.model);
}

export function createFifoScheduler(config: FifoConfig): Scheduler {
  const order = (state: State): RequestRecord[] => queuedRequests(state).sort(byPriorityThenArrival);
  return {
    order,
    nextGrant(state) {
      if (state.queue.length === 0) return null;
      // Models first (few can take a request), so a step with none skips the queue scan.
      const grantable = grantableModels(state);
      if (grantable.size === 0) return null;
      // While the head starves, only requests older than it may be granted (they do not
      // pass it over, and its forced swap may be waiting for them).
      const before = starvingHead(config, state)?.seq ?? Number.POSITIVE_INFINITY;
      // A linear scan for the first grantable request in fifo order (no sort: it is asked
      // once per grant, and the queue can be long).
      let best: RequestRecord | null = null;
      for (const r of state.queue) {
        if (r.seq >= before || !grantable.has(r.model)) continue;
        if (best === null || byPriorityThenArrival(r, best) < 0) best = r;
      }
      return best;
    },
    swapCandidates(state) {
      const models = swapModelsInOrder(state);
      for (const id of state.preloads) {
        if (!models.includes(id) && needsSwap(state.models[id])) models.push(id);
      }
      const forced = starvingHead(config, state)?.model ?? null;
      const out: SwapCandidate[] = forced ? [{ model: forced, force: true }] : [];
      for (const model of models) if (model !== forced) out.push({ model, force: false });
      return out;
    },
    deadline(state) {
      if (config.maxWaitMs <= 0) return null;
      const head = waitingHead(state);
      if (!head) return null;
      const at = head.arrivedAt + config.maxWaitMs;
      return at > state.now ? at : null;
    },
  };
}
