/**
 * A seeded pseudo-random source for the simulator. The core never sees randomness: traces
 * and the simulated world draw from this, so one seed always replays the same run.
 */

/** A source of floats in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a 32-bit state generator, small and fast, good enough for workload shapes
 * (not for anything that needs statistical rigour or secrecy). Same seed, same sequence.
 */
export function mulberry32(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An exponentially distributed sample with the given mean (Poisson inter-arrival times). */
export function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** A uniform sample in [low, high). */
export function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}

/** One element of `items`, uniformly. `items` must not be empty. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/**
 * A sampler of indices 0..n-1 with Zipf popularity: index k has weight 1 / (k+1)^exponent,
 * so index 0 is the most requested. exponent 0 is uniform.
 */
export function zipf(random: Random, n: number, exponent: number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** exponent;
    cumulative.push(total);
  }
  return () => {
    const x = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! > x) high = mid;
      else low = mid + 1;
    }
    return low;
  };
}
