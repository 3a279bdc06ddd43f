/**
 * A cache of one value per config object: configs are immutable, so identity is enough,
 * and a value derived from one stays valid. Not state: it holds only what a pure function
 * of the config gives.
 */
import type { CoreConfig } from "./config.ts";

/**
 * `build(config)`, computed once per config. The last config asked about is checked before
 * the WeakMap: a step asks several times, nearly always about the one current config, and
 * an identity check is cheaper than a WeakMap probe.
 */
export function perConfig<T>(build: (config: CoreConfig) => T): (config: CoreConfig) => T {
  const cache = new WeakMap<CoreConfig, T>();
  let lastConfig: CoreConfig | null = null;
  let lastValue: T | undefined;
  return (config) => {
    if (config === lastConfig) return lastValue as T;
    let value = cache.get(config);
    if (value === undefined) {
      value = build(config);
      cache.set(config, value);
    }
    lastConfig = config;
    lastValue = value;
    return value;
  };
}
