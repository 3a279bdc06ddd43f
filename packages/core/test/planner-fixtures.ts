/**
 * Builders for planner tests: configs, resident views and a seeded random source (tests
 * stay reproducible; the core itself never sees randomness).
 */
import type { CoreConfig, CoreModelConfig, GroupConfig, PlannerConfig, ResidentView } from "../src/index.ts";

export function model(id: string, memory: Readonly<Record<string, number>> = {}): CoreModelConfig {
  return { id, concurrencyLimit: 1, ttlMs: 0, priority: 0, unloadTimeoutMs: 1000, memory };
}

/** A config with `ids` as models (strings, or full model configs for memory needs). */
export function config(
  planner: PlannerConfig,
  models: readonly (string | CoreModelConfig)[],
  devices: Readonly<Record<string, number>> = {},
): CoreConfig {
  return {
    models: models.map((m) => (typeof m === "string" ? model(m) : m)),
    planner,
    devices,
    scheduler: { kind: "fifo", maxBypass: 0, maxWaitMs: 0 },
    globalTtlMs: 0,
    maxQueueLength: 0,
    onConcurrencyLimit: "reject",
  };
}

export function group(
  id: string,
  members: readonly string[],
  flags: Partial<Pick<GroupConfig, "swap" | "exclusive" | "persistent">> = {},
): GroupConfig {
  return { id, swap: true, exclusive: true, persistent: false, ...flags, members };
}

/** A resident model; ready and idle unless told otherwise. */
export function res(
  id: string,
  opts: Partial<Pick<ResidentView, "phase" | "busy" | "lastUsedAt">> = {},
): ResidentView {
  return { id, phase: "ready", busy: false, lastUsedAt: 0, ...opts };
}

/** Small seeded generator (mulberry32): the same seed gives the same scenarios on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** llama-swap's example groups (config.example.yaml), with a few ungrouped models added. */
export function exampleGroupsConfig(devices: Readonly<Record<string, number>> = {}): CoreConfig {
  const groups = [
    group("group1", ["llama", "qwen-unlisted"], { swap: true, exclusive: true }),
    group("group2", ["docker-llama", "modelA", "modelB"], { swap: false, exclusive: false }),
    group("forever", ["forever-modelA", "forever-modelB", "forever-modelc"], {
      persistent: true,
      swap: false,
      exclusive: false,
    }),
  ];
  const ids = groups.flatMap((g) => g.members).concat(["loner1", "loner2"]);
  return config({ kind: "groups", groups }, ids, devices);
}

/** llama-swap's example matrix (config.example.yaml): vars, evict_costs and sets. */
export const exampleMatrix = {
  kind: "matrix",
  vars: { g: "gemma-model", q: "qwen-model", m: "mistral-model", v: "voxtral-model", e: "reranker-model" },
  evictCosts: { v: 50, "llama-70B": 30 },
  sets: [
    { name: "standard", expr: "(g | qwen-model | m) & v" },
    { name: "with_rerank", expr: "(g | q) & v & e" },
    { name: "creative", expr: "(g | q) & stable-diffusion" },
    { name: "full", expr: "llama-70B" },
  ],
} as const satisfies PlannerConfig;

export const exampleMatrixModels = [
  "gemma-model",
  "qwen-model",
  "mistral-model",
  "voxtral-model",
  "reranker-model",
  "stable-diffusion",
  "llama-70B",
  "loner",
];
