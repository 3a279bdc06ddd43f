import type { ConfigDiff, ResolvedConfig, ResolvedModel } from "./types.ts";

/** The settings that shape a model's process: a change means the process must restart. */
export function processSettings(model: ResolvedModel): unknown {
  return {
    argv: model.argv,
    cmdStopArgv: model.cmdStopArgv,
    env: Object.entries(model.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    proxy: model.proxy,
    checkEndpoint: model.checkEndpoint,
  };
}

/**
 * Pure. Model ids added, removed, and changed in their process settings (argv, cmdStop,
 * env, proxy, checkEndpoint) from `before` to `after`; each list sorted.
 */
export function diffConfigs(before: ResolvedConfig | null, after: ResolvedConfig): ConfigDiff {
  const old = before?.models ?? {};
  const added: string[] = [];
  const changed: string[] = [];
  for (const [id, model] of Object.entries(after.models)) {
    const prev = Object.hasOwn(old, id) ? old[id] : undefined;
    if (!prev) added.push(id);
    else if (JSON.stringify(processSettings(prev)) !== JSON.stringify(processSettings(model)))
      changed.push(id);
  }
  const removed = Object.keys(old).filter((id) => !Object.hasOwn(after.models, id));
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}
