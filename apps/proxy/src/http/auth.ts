/**
 * API-key checks: with keys configured, every route but `/health` needs
 * `Authorization: Bearer KEY` or `x-api-key: KEY`. Keys are compared in constant time.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { UnauthorizedError } from "./errors.ts";

/** Routes that never need a key. */
const OPEN_PATHS = new Set(["/health"]);

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The key a request carries, or null. */
export function presentedKey(headers: IncomingHttpHeaders): string | null {
  const auth = first(headers.authorization);
  if (auth) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match?.[1]) return match[1].trim();
  }
  const apiKey = first(headers["x-api-key"]);
  return apiKey ? apiKey.trim() : null;
}

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws `UnauthorizedError` unless the request may pass. No keys configured = open. */
export function checkAuth(keys: readonly string[], path: string, headers: IncomingHttpHeaders): void {
  if (keys.length === 0 || OPEN_PATHS.has(path)) return;
  const key = presentedKey(headers);
  if (key === null || !keys.some((k) => sameKey(k, key))) throw new UnauthorizedError();
}

/** Headers that carry the client's key: not forwarded upstream when keys are configured. */
export const KEY_HEADERS: readonly string[] = ["authorization", "x-api-key"];
