/**
 * Family 7: the fifo scheduler's starvation bound (`maxBypass`; 0 = off, serial: not judged).
 *
 * Terms. A request R (model M) "waits for a swap" when it has no answer, was not cancelled,
 * M is in the config in force and M has no resident instance at all (none starting, ready or
 * stopping). A request whose M is ready is waiting for a free slot, one whose M is starting
 * is already being served by the swap, and one whose M is still stopping waits for the old
 * process to go: none of these is being passed over by a swap decision.
 *
 * Definition of a bypass. A `grant` for request Q (model N) bypasses R when all hold:
 * 1. R waits for a swap, both before the step and after it (so the order of effects inside
 *    one step does not matter, and a step that starts M does not count against itself);
 * 2. R is the oldest request (by arrival) that waits for a swap: a starvation bound can only
 *    protect the head of the line, since two waiting models that exclude each other cannot
 *    both be forced at once;
 * 3. R arrived before Q (arrival order, whatever the priorities: the bound exists so that a
 *    stream of later or higher-priority work cannot starve R);
 * 4. M != N and M, N cannot be resident together (`!allows([M, N])` under the config in
 *    force): granting Q keeps busy a model that has to go before M can run.
 * The property: no request is bypassed more than `maxBypass` times. Having been passed over
 * that often, R's swap must be forced: no more grants of conflicting later work until M runs.
 */
import type { Ledger, RequestFact } from "../ledger.ts";
import type { InvariantFamily } from "./monitor.ts";

/** The oldest request waiting for a swap (see the definition above), or undefined. */
function headOfLine(ledger: Ledger): RequestFact | undefined {
  const resident = new Set(ledger.resident().map((f) => f.model));
  let head: RequestFact | undefined;
  for (const r of ledger.requests.values()) {
    if (r.answers > 0 || r.cancelled || resident.has(r.model) || !ledger.modelConfig(r.model)) continue;
    if (!head || r.seq < head.seq) head = r;
  }
  return head;
}

export const starvationBound: InvariantFamily = {
  id: "starvation-bound",
  number: 7,
  title: "fifo: no request bypassed more than maxBypass times",
  create: () => {
    const bypasses = new Map<string, number>();
    let headBefore: RequestFact | undefined;
    let candidates: string[] = [];
    return {
      beforeStep(_event, ledger) {
        headBefore = headOfLine(ledger);
        candidates = [];
        return [];
      },
      onEffect(effect, ledger) {
        const head = headBefore;
        if (effect.type !== "grant" || !head || head.answers > 0 || head.cancelled) return [];
        const granted = ledger.requests.get(effect.requestId);
        if (!granted || granted.seq <= head.seq || granted.model === head.model) return [];
        if (ledger.planner.allows([head.model, granted.model])) return [];
        candidates.push(granted.id);
        return [];
      },
      afterStep(_step, ledger) {
        const scheduler = ledger.config.scheduler;
        const head = headBefore;
        if (scheduler.kind !== "fifo" || scheduler.maxBypass <= 0 || !head || candidates.length === 0)
          return [];
        if (headOfLine(ledger) !== head) return [];
        const count = (bypasses.get(head.id) ?? 0) + candidates.length;
        bypasses.set(head.id, count);
        if (count <= scheduler.maxBypass) return [];
        return [
          `${head.id} (${head.model}, waiting since t=${head.arrivedAt}) bypassed ${count} times, ` +
            `maxBypass ${scheduler.maxBypass}; this step by ${candidates.join(", ")}`,
        ];
      },
    };
  },
};
