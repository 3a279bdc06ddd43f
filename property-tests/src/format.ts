/**
 * Readable counterexamples: a config summary and a numbered event list, each event followed
 * by the effects the core answered with, then the events as JSON so a failure can be pasted
 * into `test/regressions.test.ts` and replayed.
 */
import type { CoreConfig, Effect, Event } from "@hotswap/core";

export interface HistoryEntry {
  readonly event: Event;
  /** undefined when the step threw. */
  readonly effects: readonly Effect[] | undefined;
}

export function formatEvent(event: Event): string {
  switch (event.type) {
    case "requestArrived":
      return `requestArrived ${event.id} for ${event.model}${event.priority === undefined ? "" : ` priority ${event.priority}`}`;
    case "requestCancelled":
    case "grantDelivered":
    case "serveFinished":
      return `${event.type} ${event.id}`;
    case "processReady":
    case "processStopped":
      return `${event.type} ${event.model}#${event.instance}`;
    case "processStartFailed":
    case "processExited":
      return `${event.type} ${event.model}#${event.instance} (${event.message})`;
    case "unloadRequested":
      return `unloadRequested ${event.models === "all" ? "all" : `[${event.models.join(", ")}]`} wait=${event.wait}`;
    case "preloadRequested":
      return `preloadRequested [${event.models.join(", ")}]`;
    case "tick":
      return "tick";
    case "shutdownRequested":
      return `shutdownRequested force=${event.force}`;
    case "configReplaced":
      return `configReplaced changed=[${event.changed.join(", ")}]: ${formatConfig(event.config)}`;
  }
}

export function formatEffect(effect: Effect): string {
  switch (effect.type) {
    case "startProcess":
      return `startProcess ${effect.model}#${effect.instance}`;
    case "stopProcess":
      return `stopProcess ${effect.model}#${effect.instance} (${effect.reason})`;
    case "grant":
      return `grant ${effect.requestId} -> ${effect.model}#${effect.instance}`;
    case "reject":
      return `reject ${effect.requestId} ${effect.error.code}`;
    case "queuePosition":
      return `queuePosition ${effect.requestId} ${effect.position}${effect.loading ? " loading" : ""}`;
    case "wakeAt":
      return `wakeAt ${effect.at}`;
    case "shutdownComplete":
      return "shutdownComplete";
  }
}

/** One line per aspect of the config, compact enough to read at a glance. */
export function formatConfig(config: CoreConfig): string {
  const models = config.models
    .map((m) => {
      const memory = Object.entries(m.memory).map(([d, n]) => `${d}:${n}`);
      const extras = [
        `limit ${m.concurrencyLimit}`,
        m.ttlMs ? `ttl ${m.ttlMs}` : "",
        m.priority ? `prio ${m.priority}` : "",
      ];
      if (memory.length > 0) extras.push(`mem ${memory.join(",")}`);
      return `${m.id}(${extras.filter(Boolean).join(", ")})`;
    })
    .join(" ");
  const scheduler =
    config.scheduler.kind === "fifo"
      ? `fifo(maxBypass ${config.scheduler.maxBypass}, maxWaitMs ${config.scheduler.maxWaitMs})`
      : "serial";
  const devices = Object.entries(config.devices).map(([d, n]) => `${d}:${n}`);
  return [
    `models ${models}`,
    `planner ${formatPlanner(config)}`,
    devices.length > 0 ? `devices ${devices.join(",")}` : "",
    `scheduler ${scheduler}`,
    `maxQueueLength ${config.maxQueueLength}, onConcurrencyLimit ${config.onConcurrencyLimit}, globalTtlMs ${config.globalTtlMs}`,
  ]
    .filter(Boolean)
    .join("; ");
}

function formatPlanner(config: CoreConfig): string {
  const planner = config.planner;
  switch (planner.kind) {
    case "groups":
      if (planner.groups.length === 0) return "groups (none: one model at a time)";
      return `groups ${planner.groups
        .map((g) => {
          const flags = [
            g.swap ? "swap" : "",
            g.exclusive ? "exclusive" : "",
            g.persistent ? "persistent" : "",
          ];
          return `${g.id}{${g.members.join(",")}}[${flags.filter(Boolean).join(" ")}]`;
        })
        .join(" ")}`;
    case "matrix": {
      const vars = Object.entries(planner.vars).map(([k, v]) => `${k}=${v}`);
      const sets = planner.sets.map((s) => `${s.name}: "${s.expr}"`);
      const costs = Object.entries(planner.evictCosts).map(([k, v]) => `${k}:${v}`);
      return `matrix sets {${sets.join("; ")}} vars {${vars.join(",")}} costs {${costs.join(",")}}`;
    }
    default:
      return planner.kind;
  }
}

/** The whole run: config, numbered events with their effects, and a JSON replay block. */
export function formatRun(config: CoreConfig, history: readonly HistoryEntry[]): string {
  const lines = [`config: ${formatConfig(config)}`, "events:"];
  history.forEach((entry, i) => {
    lines.push(`${String(i + 1).padStart(4)}. t=${entry.event.at} ${formatEvent(entry.event)}`);
    if (entry.effects === undefined) lines.push("        => (step threw)");
    else if (entry.effects.length > 0) lines.push(`        => ${entry.effects.map(formatEffect).join("; ")}`);
  });
  lines.push("replay (config, events as JSON):");
  lines.push(JSON.stringify(config));
  lines.push(JSON.stringify(history.map((h) => h.event)));
  return lines.join("\n");
}
