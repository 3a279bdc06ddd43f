/**
 * Request traces for the scheduler simulator. A trace is plain data: the models (how long
 * each takes to load and stop, how many requests it serves at once, how much memory it
 * needs) and the requests (who asks for what, when, and for how long it will be served).
 * Every generator is deterministic for a given seed.
 */
import { exponential, mulberry32, pick, type Random, uniform, zipf } from "./prng.ts";

export interface TraceModel {
  readonly id: string;
  /** Time from startProcess to processReady (the world may jitter it). */
  readonly loadMs: number;
  /** Time from stopProcess to processStopped. */
  readonly stopMs: number;
  readonly concurrencyLimit: number;
  /** What the model needs on the single simulated device (MiB); used by the memory planner setting. */
  readonly memoryMiB: number;
}

export interface TraceRequest {
  readonly id: string;
  readonly model: string;
  readonly at: number;
  /** Time from grant to serveFinished. */
  readonly serviceMs: number;
}

export interface Trace {
  readonly name: string;
  /** One line for the table's legend. */
  readonly description: string;
  readonly models: readonly TraceModel[];
  /** Sorted by `at`; equal times keep their listed order, which is their arrival order. */
  readonly requests: readonly TraceRequest[];
  /** Capacity of the simulated device (MiB) under the memory planner setting. */
  readonly deviceMiB: number;
}

export interface RoundRobinOptions {
  readonly name: string;
  readonly models: number;
  readonly rounds: number;
  /** 0 = every request arrives at t=0, in round-robin order. */
  readonly gapMs: number;
  readonly loadMs: number;
  readonly serviceMs: number;
  readonly concurrencyLimit: number;
  readonly memoryMiB: number;
  readonly deviceMiB: number;
}

/** Round-robin churn: A B C A B C ..., either all at once or one every `gapMs`. */
export function roundRobinTrace(o: RoundRobinOptions): Trace {
  const ids = Array.from({ length: o.models }, (_, i) => String.fromCharCode(65 + i));
  const models = ids.map((id) => ({
    id,
    loadMs: o.loadMs,
    stopMs: 300,
    concurrencyLimit: o.concurrencyLimit,
    memoryMiB: o.memoryMiB,
  }));
  const requests = Array.from({ length: o.models * o.rounds }, (_, i) => ({
    id: `r${i}`,
    model: ids[i % o.models]!,
    at: i * o.gapMs,
    serviceMs: o.serviceMs,
  }));
  const when = o.gapMs === 0 ? "all at t=0" : `one every ${o.gapMs} ms`;
  return {
    name: o.name,
    description: `${ids.join("")} x${o.rounds}, ${when}; load ${o.loadMs} ms, service ${o.serviceMs} ms, concurrency ${o.concurrencyLimit}`,
    models,
    requests,
    deviceMiB: o.deviceMiB,
  };
}

export interface HotModelOptions {
  readonly name: string;
  /** How many hot models stream requests (A, then B, ...); the next letter is the cold one. */
  readonly hotModels: number;
  /** Requests per hot model, one every `gapMs` from t=0 (hot models 1 ms apart). */
  readonly hotRequests: number;
  readonly gapMs: number;
  readonly loadMs: number;
  readonly serviceMs: number;
  readonly concurrencyLimit: number;
  readonly memoryMiB: number;
  readonly deviceMiB: number;
}

/**
 * Starvation: steady streams for the hot models, with spare capacity so each hot request can
 * be granted on arrival, and one request for a cold model just after the first round.
 * Collation keeps serving the hot models while the cold one waits; only a starvation bound
 * (maxBypass, maxWaitMs) gets it through early. With two hot models that fit together and a
 * cold one that fits with either but not both, no single hot model conflicts with it: only
 * the pair does.
 */
export function hotModelTrace(o: HotModelOptions): Trace {
  const ids = Array.from({ length: o.hotModels + 1 }, (_, i) => String.fromCharCode(65 + i));
  const hot = ids.slice(0, -1);
  const cold = ids.at(-1)!;
  const models = ids.map((id) => ({
    id,
    loadMs: o.loadMs,
    stopMs: 300,
    concurrencyLimit: o.concurrencyLimit,
    memoryMiB: o.memoryMiB,
  }));
  const requests: TraceRequest[] = [];
  const coldAt = Math.round(o.gapMs / 2);
  for (let i = 0; i < o.hotRequests; i++) {
    hot.forEach((model, k) => {
      requests.push({ id: `${model.toLowerCase()}${i}`, model, at: i * o.gapMs + k, serviceMs: o.serviceMs });
    });
    if (i === 0) requests.push({ id: "cold", model: cold, at: coldAt, serviceMs: o.serviceMs });
  }
  return {
    name: o.name,
    description: `${hot.join(", ")} every ${o.gapMs} ms (${o.hotRequests} requests each), one ${cold} at ${coldAt} ms; load ${o.loadMs} ms, service ${o.serviceMs} ms, concurrency ${o.concurrencyLimit}`,
    models,
    requests,
    deviceMiB: o.deviceMiB,
  };
}

export interface PoissonOptions {
  readonly name: string;
  readonly seed: number;
  readonly models: number;
  readonly requests: number;
  readonly meanGapMs: number;
  /** Zipf exponent of model popularity (0 = uniform). */
  readonly skew: number;
  readonly meanServiceMs: number;
  readonly deviceMiB: number;
}

/** Poisson arrivals over `models` models with Zipf-skewed popularity. */
export function poissonTrace(o: PoissonOptions): Trace {
  const random = mulberry32(o.seed);
  const models = randomModels(random, o.models);
  const nextModel = zipf(random, o.models, o.skew);
  const requests: TraceRequest[] = [];
  let at = 0;
  for (let i = 0; i < o.requests; i++) {
    at += exponential(random, o.meanGapMs);
    requests.push({
      id: `r${i}`,
      model: models[nextModel()]!.id,
      at: Math.round(at),
      serviceMs: serviceTime(random, o.meanServiceMs),
    });
  }
  return {
    name: o.name,
    description: `${o.requests} Poisson arrivals (mean gap ${o.meanGapMs} ms) over ${o.models} models, Zipf ${o.skew}; mean service ${o.meanServiceMs} ms`,
    models,
    requests,
    deviceMiB: o.deviceMiB,
  };
}

export interface BurstOptions {
  readonly name: string;
  readonly seed: number;
  readonly models: number;
  readonly bursts: number;
  readonly perBurst: number;
  /** Each burst's requests arrive uniformly within this span. */
  readonly spanMs: number;
  readonly quietMs: number;
  /** How many distinct models one burst asks for. */
  readonly modelsPerBurst: number;
  readonly meanServiceMs: number;
  readonly deviceMiB: number;
}

/** Bursts: quiet periods, then many requests within a short span over a few models. */
export function burstTrace(o: BurstOptions): Trace {
  const random = mulberry32(o.seed);
  const models = randomModels(random, o.models);
  const requests: TraceRequest[] = [];
  for (let b = 0; b < o.bursts; b++) {
    const start = b * (o.spanMs + o.quietMs);
    const chosen = Array.from({ length: o.modelsPerBurst }, () => pick(random, models).id);
    const times = Array.from({ length: o.perBurst }, () => Math.round(start + uniform(random, 0, o.spanMs)));
    times.sort((x, y) => x - y);
    for (const at of times) {
      requests.push({
        id: `r${requests.length}`,
        model: pick(random, chosen),
        at,
        serviceMs: serviceTime(random, o.meanServiceMs),
      });
    }
  }
  return {
    name: o.name,
    description: `${o.bursts} bursts of ${o.perBurst} requests within ${o.spanMs} ms over ${o.modelsPerBurst} of ${o.models} models, ${o.quietMs} ms apart`,
    models,
    requests,
    deviceMiB: o.deviceMiB,
  };
}

const SIZES_MIB = [4096, 6144, 8192, 12288, 16384] as const;

/** Models of assorted sizes; bigger ones take longer to load (about 0.4 ms per MiB). */
function randomModels(random: Random, n: number): TraceModel[] {
  return Array.from({ length: n }, (_, i) => {
    const memoryMiB = pick(random, SIZES_MIB);
    return {
      id: `m${String(i).padStart(2, "0")}`,
      loadMs: Math.round(1000 + memoryMiB * 0.4),
      stopMs: 300,
      concurrencyLimit: pick(random, [1, 2, 4]),
      memoryMiB,
    };
  });
}

/** Exponential service time, at least 100 ms and at most ten times the mean. */
function serviceTime(random: Random, mean: number): number {
  return Math.round(Math.min(10 * mean, Math.max(100, exponential(random, mean))));
}
