/**
 * Family 5: a process starts only when everything it needs gone is gone.
 *
 * A planner's `plan()` result is not visible from outside, so this is judged through the
 * effects: at each startProcess for model T (instance I), with R = the resident instances at
 * that moment (stopping ones included, since they still hold memory):
 * 1. `allows(models of R + T)` holds under the config in force (models the config no longer
 *    knows are left out of this call, the planner cannot judge them);
 * 2. the memory needs of R plus T's fit every device, needs read from the config in force
 *    (an edited estimate applies to the running process too) except for models it no longer
 *    lists, which keep the needs they started with;
 * 3. no instance of T is resident (a second process of one model would clash on its port
 *    and double its memory);
 * 4. I was never used before, T is a configured model and no shutdown was requested.
 */
import type { InvariantFamily } from "./monitor.ts";
import { label } from "./monitor.ts";
import { memoryOverruns } from "./resident-allowed.ts";

export const startWhenAllowed: InvariantFamily = {
  id: "start-when-allowed",
  number: 5,
  title: "start only when allows(resident + target)",
  create: () => ({
    onEffect(effect, ledger) {
      if (effect.type !== "startProcess") return [];
      const where = `startProcess ${label(effect.model, effect.instance)}`;
      if (ledger.instances.has(effect.instance))
        return [`${where}: instance ${effect.instance} was already used`];
      const target = ledger.modelConfig(effect.model);
      if (!target) return [`${where}: ${effect.model} is not in the config in force`];
      const problems: string[] = [];
      if (ledger.shutdown) problems.push(`${where}: issued after shutdownRequested`);
      const resident = ledger.resident();
      const names = resident.map((f) => label(f.model, f.instance)).join(", ");
      const twin = resident.find((f) => f.model === effect.model);
      if (twin) problems.push(`${where}: ${label(twin.model, twin.instance)} is still resident`);
      const known = new Set(ledger.config.models.map((m) => m.id));
      const models = [...resident.map((f) => f.model).filter((id) => known.has(id)), effect.model];
      if (!ledger.planner.allows(models)) {
        problems.push(`${where}: planner does not allow it next to [${names}]`);
      }
      const needs = [...resident.map((f) => ledger.modelConfig(f.model)?.memory ?? f.memory), target.memory];
      const overruns = memoryOverruns(ledger.config, needs);
      if (overruns.length > 0)
        problems.push(`${where} next to [${names}] overruns memory: ${overruns.join("; ")}`);
      return problems;
    },
  }),
};
