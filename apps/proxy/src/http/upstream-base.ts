/** A model's upstream base URL (`proxy` in the config) as origin and path prefix. */

export interface UpstreamBase {
  /** Where the pool connects ("http://host:port"). */
  readonly origin: string;
  /** Path prefix of the base URL, without trailing slashes ("" for none). */
  readonly prefix: string;
}

const bases = new Map<string, UpstreamBase>();

/**
 * Parsed once per distinct URL (this runs on every forward). Throws on a URL that does not
 * parse; the config loader has already checked every `proxy`.
 */
export function upstreamBase(upstream: string): UpstreamBase {
  let base = bases.get(upstream);
  if (base === undefined) {
    const url = new URL(upstream);
    base = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") };
    // Bounded by the configured models in practice; the cap guards against churn by reloads.
    if (bases.size > 1000) bases.clear();
    bases.set(upstream, base);
  }
  return base;
}
