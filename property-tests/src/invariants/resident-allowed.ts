/**
 * Family 4: the resident set is always one the planner allows, memory included.
 *
 * Resident: started (startProcess) and not yet stopped, failed or exited, stopping ones
 * included (they still hold memory). After every step:
 * 1. `createPlanner(config).allows(resident models)` holds for the config in force;
 * 2. independently of the planner, on every configured device the needs of the resident
 *    models add up to at most its capacity.
 * Instances that were resident when a configReplaced arrived are left out until they go:
 * the new config may forbid them, and the core may only drain them (family 5 still forbids
 * starting anything that conflicts with them).
 * Also: shutdownComplete is issued only when nothing is resident.
 *
 * At the end of a run that reached quiet (after a long idle period, see `Sim.settle`), what
 * should have gone is gone:
 * 3. no instance of a model the config no longer lists, and no instance running a version
 *    a configReplaced marked as changed (both are stopped once their work is done);
 * 4. no instance of a model with a TTL (its own, or the global one): it idled past it;
 * 5. after shutdownRequested: nothing resident, and shutdownComplete was issued.
 */
import type { CoreConfig } from "@hotswap/core";
import type { InvariantFamily } from "./monitor.ts";
import { label } from "./monitor.ts";

/** Devices whose capacity the given models' needs (per `config`) exceed, as sentences. */
export function memoryOverruns(
  config: CoreConfig,
  needs: readonly Readonly<Record<string, number>>[],
): string[] {
  const used = new Map<string, number>();
  for (const need of needs) {
    for (const [device, amount] of Object.entries(need)) used.set(device, (used.get(device) ?? 0) + amount);
  }
  const overruns: string[] = [];
  for (const [device, total] of used) {
    const capacity = config.devices[device];
    if (capacity !== undefined && total > capacity) overruns.push(`${device} needs ${total} of ${capacity}`);
  }
  return overruns;
}

export const residentAllowed: InvariantFamily = {
  id: "resident-allowed",
  number: 4,
  title: "the resident set is allowed",
  create: () => ({
    onEffect(effect, ledger) {
      if (effect.type !== "shutdownComplete") return [];
      const left = ledger.resident();
      if (left.length === 0) return [];
      return [
        `shutdownComplete while ${left.map((f) => label(f.model, f.instance)).join(", ")} still resident`,
      ];
    },
    onEnd(ledger, quiet) {
      if (!quiet) return [];
      const problems: string[] = [];
      for (const fact of ledger.resident()) {
        const name = label(fact.model, fact.instance);
        const cfg = ledger.modelConfig(fact.model);
        if (!cfg) problems.push(`${name} is still resident, but the config no longer lists ${fact.model}`);
        else if (fact.stale) problems.push(`${name} still runs a version that configReplaced changed`);
        else if ((cfg.ttlMs || ledger.config.globalTtlMs) > 0) {
          problems.push(`${name} is still resident after idling past its TTL`);
        }
        if (ledger.shutdown) problems.push(`${name} is still resident after shutdownRequested`);
      }
      if (ledger.shutdown && !ledger.shutdownComplete)
        problems.push("shutdownRequested, but no shutdownComplete");
      return problems.length > 0 ? [`the world is quiet after a long idle, yet: ${problems.join("; ")}`] : [];
    },
    afterStep(_step, ledger) {
      const known = new Set(ledger.config.models.map((m) => m.id));
      const judged = ledger.resident().filter((f) => !f.legacy && known.has(f.model));
      const models = judged.map((f) => f.model);
      const names = judged.map((f) => label(f.model, f.instance)).join(", ");
      const problems: string[] = [];
      if (!ledger.planner.allows(models))
        problems.push(`resident set [${names}] is not allowed by the planner`);
      const needs = [...new Set(models)].map((id) => ledger.modelConfig(id)?.memory ?? {});
      const overruns = memoryOverruns(ledger.config, needs);
      if (overruns.length > 0)
        problems.push(`resident set [${names}] overruns memory: ${overruns.join("; ")}`);
      return problems;
    },
  }),
};
