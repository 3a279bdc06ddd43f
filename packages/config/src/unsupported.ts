/**
 * llama-swap settings that hotswap accepts but does not act on yet. Each one present in a
 * file produces one warning naming it. Remove an entry when the proxy implements it.
 *
 * Paths use "*" for a model id. Reasons are shown to the user.
 */
export const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  logRequests: "llama-swap's legacy request logging switch",
  logTimeFormat: "log timestamps use hotswap's own format",
  metricsMaxInMemory: "hotswap keeps no in-memory metrics history",
  captureBuffer: "hotswap keeps no request/response capture",
  store: "no persistent activity store",
  ui: "hotswap has no embedded UI",
  performance: "no CPU/RAM/GPU monitoring",
  profiles: "hotswap has no runtime profiles",
  selectors: "hotswap has no virtual selector models",
  peers: "requests are not forwarded to peers; the section is parsed and kept",
  "models.*.timeouts": "upstream connection timeouts use hotswap's defaults",
  "models.*.compat": "hotswap has no websocket compatibility switches",
};
