/**
 * fifo: priority (higher first), then arrival. Requests for a loaded model are served
 * before a swap that would evict it (collation), and a swap waits for its evictees to
 * drain. Starvation bound, for the head of the line (the oldest request whose model has no
 * process, see `headOfLine`): once later conflicting grants have passed it over `maxBypass`
 * times, or it has waited `maxWaitMs` (0 = off for each), no more grants are made until its
 * swap is forced (evictees drain, then stop). So no request is passed over more than
 * `maxBypass` times. Only the head can force: a younger request forcing would evict the swap
 * an older one waits on, and two starving requests would then evict each other for ever.
 */
import type { SchedulerConfig } from "../config.ts";
import { canGrant, needsSwap } from "../models.ts";
import { byPriorityThenArrival, distinctModels, headOfLine, queuedRequests } from "../queue.ts";
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

export function createFifoScheduler(config: FifoConfig): Scheduler {
  const order = (state: State): RequestRecord[] => queuedRequests(state).sort(byPriorityThenArrival);
  return {
    order,
    nextGrant(state) {
      // While the head starves, only requests older than it may be granted (they do not
      // pass it over, and its forced swap may be waiting for them).
      const before = starvingHead(config, state)?.seq ?? Number.POSITIVE_INFINITY;
      // A linear scan for the first grantable request in fifo order (no sort: it is asked
      // once per grant, and the queue can be long).
      let best: RequestRecord | null = null;
      const grantable = new Map<string, boolean>();
      for (const r of queuedRequests(state)) {
        if (r.seq >= before || (best !== null && byPriorityThenArrival(r, best) >= 0)) continue;
        let ok = grantable.get(r.model);
        if (ok === undefined) {
          ok = canGrant(state, r.model);
          grantable.set(r.model, ok);
        }
        if (ok) best = r;
      }
      return best;
    },
    swapCandidates(state) {
      const waiting = order(state).filter((r) => needsSwap(state.models[r.model]));
      const models = distinctModels(waiting);
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
