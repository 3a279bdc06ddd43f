/**
 * Mapping keys that would reach JavaScript object internals (`__proto__`, `constructor`,
 * `prototype`) are rejected up front: parsers and validators drop or misread them, and a
 * key must never vanish silently.
 */
import { type Document, isScalar, visit } from "yaml";
import { pathOf } from "./locate.ts";
import type { ProblemList } from "./problems.ts";

export const RESERVED_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

export function rejectReservedKeys(doc: Document, problems: ProblemList): void {
  visit(doc, {
    Pair(_key, pair, ancestors) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (name === undefined || !RESERVED_KEYS.includes(name)) return;
      const path = pathOf(ancestors, pair);
      problems.error(
        path,
        `key ${JSON.stringify(name)} is reserved (it clashes with JavaScript object internals); rename it`,
        "key",
      );
    },
  });
}

/** `obj[key]` only when it is the object's own property (never an inherited one). */
export function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
