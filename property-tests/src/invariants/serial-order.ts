/**
 * Family 9 (beyond the brief's eight): the serial scheduler's contract, "strict arrival
 * order, one request at a time across all models". Judged at each grant while the config in
 * force names the serial scheduler:
 * 1. nothing else is in flight on a resident instance (requests still "in flight" on a
 *    process that exited or stopped are being cut off by the app and do not count);
 * 2. no request that arrived earlier is still waiting (unanswered, not cancelled, for a
 *    model the config lists).
 */
import type { InvariantFamily } from "./monitor.ts";

export const serialOrder: InvariantFamily = {
  id: "serial-order",
  number: 9,
  title: "serial: arrival order, one request at a time",
  create: () => ({
    onEffect(effect, ledger) {
      if (effect.type !== "grant" || ledger.config.scheduler.kind !== "serial") return [];
      const granted = ledger.requests.get(effect.requestId);
      if (!granted) return [];
      const problems: string[] = [];
      const busy = ledger.resident().flatMap((f) => ledger.inFlightOn(f.instance));
      if (busy.length > 0) {
        problems.push(`grant ${granted.id} while ${busy.map((r) => r.id).join(", ")} in flight`);
      }
      const older = [...ledger.requests.values()].filter(
        (r) =>
          r.answers === 0 && !r.cancelled && r.seq < granted.seq && ledger.modelConfig(r.model) !== undefined,
      );
      if (older.length > 0) {
        problems.push(
          `grant ${granted.id} before ${older.map((r) => r.id).join(", ")}, which arrived earlier`,
        );
      }
      return problems;
    },
  }),
};
