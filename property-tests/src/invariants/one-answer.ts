/**
 * Family 3: exactly one answer per request.
 *
 * 1. A grant or reject names a request that arrived.
 * 2. No request is answered twice (two grants, two rejects, or one of each).
 * 3. No grant after the client cancelled (a reject is tolerated: it reaches nobody).
 * 4. Once the world is quiet (no pending world reactions, granted requests finished, time
 *    past every wake), no request that was not cancelled is still without an answer.
 * 5. shutdownComplete is issued only when every arrived, uncancelled request has an answer.
 * 6. queuePosition names a request that arrived and is still waiting (no answer yet).
 */
import type { InvariantFamily } from "./monitor.ts";

export const oneAnswer: InvariantFamily = {
  id: "one-answer",
  number: 3,
  title: "exactly one answer per request",
  create: () => ({
    onEffect(effect, ledger) {
      if (effect.type === "shutdownComplete") {
        const open = ledger.waiting().filter((r) => !r.cancelled);
        if (open.length === 0) return [];
        return [`shutdownComplete while ${open.map((r) => r.id).join(", ")} have no answer`];
      }
      if (effect.type === "queuePosition") {
        const waiting = ledger.requests.get(effect.requestId);
        if (!waiting) return [`queuePosition ${effect.requestId}: no such request arrived`];
        if (waiting.answers > 0) return [`queuePosition ${effect.requestId}: it was already answered`];
        return [];
      }
      if (effect.type !== "grant" && effect.type !== "reject") return [];
      const request = ledger.requests.get(effect.requestId);
      if (!request) return [`${effect.type} ${effect.requestId}: no such request arrived`];
      const previous = request.granted ? "a grant" : "a reject";
      if (request.answers > 0) return [`${effect.type} ${effect.requestId}: it already had ${previous}`];
      if (effect.type === "grant" && request.cancelled) {
        return [`grant ${effect.requestId}: the client had cancelled it`];
      }
      return [];
    },
    onEnd(ledger, quiet) {
      const open = ledger.waiting().filter((r) => !r.cancelled);
      if (open.length === 0) return [];
      const world = quiet ? "the world is quiet" : "the world never became quiet";
      return [`${world} but ${open.map((r) => `${r.id} (${r.model})`).join(", ")} never got an answer`];
    },
  }),
};
