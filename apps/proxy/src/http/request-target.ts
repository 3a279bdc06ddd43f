/**
 * A request's target (`req.url`) as the routes read it. Parsing it with `new URL` cost about
 * a microsecond per request (ada's parse, then a URL object and its getters), for the plain
 * `/v1/chat/completions` nearly every request carries; such a path is taken as is.
 */

/** The parts of a request's URL the inference routes read; a URL is one. */
export interface RequestTarget {
  readonly pathname: string;
  /** "" or "?" followed by the query, as `URL.search` gives it. */
  readonly search: string;
}

/** The base relative targets resolve against (never contacted). */
const BASE = "http://hotswap.invalid";

const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Whether `raw` is a path that `new URL(raw, BASE)` gives back unchanged as its pathname,
 * with no query or fragment: "/" then segments of ASCII letters, digits, "_", "-" and ".",
 * none empty and none starting with "." (so no "." or ".." segments to resolve, and no "//"
 * that would start an authority). Anything else (a query, "%", "\\", non-ASCII, an absolute
 * URL) goes to `new URL`.
 */
export function isPlainPath(raw: string): boolean {
  if (raw.charCodeAt(0) !== SLASH) return false;
  let previous = SLASH;
  for (let i = 1; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === SLASH || c === DOT) {
      if (previous === SLASH) return false;
    } else if (
      !(
        (c >= 0x61 && c <= 0x7a) || // a-z
        (c >= 0x41 && c <= 0x5a) || // A-Z
        (c >= 0x30 && c <= 0x39) || // 0-9
        c === 0x5f || // _
        c === 0x2d // -
      )
    ) {
      return false;
    }
    previous = c;
  }
  return true;
}

/** `raw` parsed as `new URL` would (relative to a placeholder origin). */
export function parseTarget(raw: string): URL {
  return new URL(raw, BASE);
}
