/**
 * Family 1: no stopProcess for an instance with requests in flight.
 *
 * In flight (judged from the history, not the core's state): a `grant` effect named the
 * request and this instance, and neither `serveFinished` nor `requestCancelled` for it has
 * arrived. Counting starts at the grant effect, not at `grantDelivered`: the grant is the
 * core's promise that the request may be forwarded, so the process must not be stopped
 * under it (llama-swap's old fast-path race counted only at delivery).
 *
 * Exceptions (the stop cuts requests off on purpose): the instance was resident when an
 * `unloadRequested` with `wait: false` covering its model arrived, or when a
 * `shutdownRequested` with `force: true` arrived. Stops of instances that are already gone
 * (exited, failed) hold nothing and are not judged here.
 */
import type { InvariantFamily } from "./monitor.ts";
import { label } from "./monitor.ts";

export const stopWhileServing: InvariantFamily = {
  id: "stop-while-serving",
  number: 1,
  title: "no stopProcess under requests in flight",
  create: () => ({
    onEffect(effect, ledger) {
      if (effect.type !== "stopProcess") return [];
      const fact = ledger.instances.get(effect.instance);
      if (!fact || fact.gone || fact.forcedUnload) return [];
      const inFlight = ledger.inFlightOn(effect.instance);
      if (inFlight.length === 0) return [];
      return [
        `stopProcess ${label(effect.model, effect.instance)} (reason ${effect.reason}) while ` +
          `${inFlight.map((r) => r.id).join(", ")} in flight on it, with no forced unload or force shutdown`,
      ];
    },
  }),
};
