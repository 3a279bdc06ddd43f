/**
 * Family 6: in flight per model never above its concurrencyLimit.
 *
 * After each grant for model M: the requests in flight (granted, neither finished nor
 * cancelled) on M's resident instances number at most M's concurrencyLimit in the config in
 * force. Requests still "in flight" on an instance that has exited or stopped are not
 * counted: they no longer occupy the model, the app is cutting them off.
 */
import type { InvariantFamily } from "./monitor.ts";

export const concurrencyLimit: InvariantFamily = {
  id: "concurrency-limit",
  number: 6,
  title: "in flight per model within concurrencyLimit",
  create: () => ({
    afterStep(step, ledger) {
      const problems: string[] = [];
      const granted = new Set(step.effects.flatMap((e) => (e.type === "grant" ? [e.model] : [])));
      for (const model of granted) {
        const limit = ledger.modelConfig(model)?.concurrencyLimit;
        if (limit === undefined) continue;
        const inFlight = ledger
          .resident()
          .filter((f) => f.model === model)
          .flatMap((f) => ledger.inFlightOn(f.instance));
        if (inFlight.length > limit) {
          problems.push(
            `${model} has ${inFlight.length} in flight (${inFlight.map((r) => r.id).join(", ")}), limit ${limit}`,
          );
        }
      }
      return problems;
    },
  }),
};
