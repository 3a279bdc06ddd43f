/**
 * Family 2: grants only to ready instances, and only of live requests for that model.
 *
 * A grant for request R naming model M and instance I is sound when:
 * 1. R arrived, for model M;
 * 2. I was started for M, processReady for I has arrived, no stopProcess for I was issued,
 *    and I has not stopped, failed or exited;
 * 3. I is not stale: no configReplaced since I started listed M as changed or removed it
 *    (queued requests for a changed model must get the new version).
 * Also checked here: every stopProcess names an instance the core started, with its model.
 */
import type { InvariantFamily } from "./monitor.ts";
import { label } from "./monitor.ts";

export const grantToReady: InvariantFamily = {
  id: "grant-to-ready",
  number: 2,
  title: "grants only to ready instances",
  create: () => ({
    onEffect(effect, ledger) {
      if (effect.type === "stopProcess") {
        const fact = ledger.instances.get(effect.instance);
        if (!fact)
          return [`stopProcess ${label(effect.model, effect.instance)}: that instance was never started`];
        if (fact.model !== effect.model) {
          return [
            `stopProcess ${label(effect.model, effect.instance)}: instance ${effect.instance} runs ${fact.model}`,
          ];
        }
        return [];
      }
      if (effect.type !== "grant") return [];
      const where = `grant ${effect.requestId} -> ${label(effect.model, effect.instance)}`;
      const request = ledger.requests.get(effect.requestId);
      if (!request) return [`${where}: no such request arrived`];
      if (request.model !== effect.model) return [`${where}: the request asked for ${request.model}`];
      const fact = ledger.instances.get(effect.instance);
      if (!fact) return [`${where}: that instance was never started`];
      if (fact.model !== effect.model) return [`${where}: instance ${effect.instance} runs ${fact.model}`];
      if (fact.gone) return [`${where}: the instance has stopped, failed or exited`];
      if (fact.stopIssued) return [`${where}: a stopProcess (${fact.stopReason}) was already issued for it`];
      if (!fact.ready) return [`${where}: processReady for this instance has not arrived`];
      if (fact.stale) return [`${where}: the instance runs a version replaced by configReplaced`];
      return [];
    },
  }),
};
