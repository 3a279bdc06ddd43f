/**
 * Runs valibot schemas and turns their issues into problems; finds keys no schema knows.
 */
import * as v from "valibot";
import type { PathSegment } from "../locate.ts";
import type { ProblemList } from "../problems.ts";

type AnySchema = v.GenericSchema;

/** Validates `value`; reports one error per failing path (the first issue there). */
export function checkValue<S extends AnySchema>(
  schema: S,
  value: unknown,
  path: readonly PathSegment[],
  problems: ProblemList,
): v.InferOutput<S> | undefined {
  const result = v.safeParse(schema, value, { abortEarly: false, abortPipeEarly: true });
  if (result.success) return result.output;
  const reported = new Set<string>();
  for (const issue of result.issues) {
    const sub = (issue.path ?? []).map((item) => item.key as PathSegment);
    const full = [...path, ...sub];
    const key = full.join("\u0000");
    if (reported.has(key)) continue;
    reported.add(key);
    const missing = issue.input === undefined && sub.length > 0 && /object$/.test(issue.type);
    if (missing) problems.error(full, `missing required key ${JSON.stringify(String(sub.at(-1)))}`, "key");
    else problems.error(full, issue.message);
  }
  return undefined;
}

/**
 * Checks each entry of an object schema on its own, so one bad key does not discard the
 * valid ones. Missing required entries are reported at the object.
 */
export function checkEntries<E extends v.ObjectEntries>(
  entries: E,
  value: Record<string, unknown>,
  path: readonly PathSegment[],
  problems: ProblemList,
): Partial<{ [K in keyof E]: v.InferOutput<E[K]> }> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(entries)) {
    const present = Object.hasOwn(value, key);
    if (!present && schema.type === "optional") continue;
    if (!present) {
      const issue = v.safeParse(schema, undefined);
      const what = issue.success ? "" : issue.issues[0].message.replace(/, found nothing$/, "");
      problems.error([...path, key], `missing required key "${key}": ${what}`, "key");
      continue;
    }
    const checked = checkValue(schema, value[key], [...path, key], problems);
    if (checked !== undefined) out[key] = checked;
  }
  return out as Partial<{ [K in keyof E]: v.InferOutput<E[K]> }>;
}

/** Strips wrappers (optional, nullable) to the schema that holds structure. */
function unwrap(schema: AnySchema): AnySchema {
  let current: AnySchema = schema;
  while ("wrapped" in current) current = (current as unknown as { wrapped: AnySchema }).wrapped;
  // A pipe's structure is its last schema item (the first may be a pre-check).
  const pipe = (current as unknown as { pipe?: AnySchema[] }).pipe;
  const inner = pipe?.filter((item) => item.kind === "schema" && item !== current).at(-1);
  return inner && inner !== current ? unwrap(inner) : current;
}

/**
 * Calls `onUnknown` for every mapping key in `value` that `schema` does not declare. Opaque
 * parts (`v.unknown()`, records of unknown) are not descended into.
 */
export function findUnknownKeys(
  schema: AnySchema,
  value: unknown,
  path: readonly PathSegment[],
  onUnknown: (path: readonly PathSegment[]) => void,
): void {
  const s = unwrap(schema) as AnySchema & {
    entries?: v.ObjectEntries;
    value?: AnySchema;
    item?: AnySchema;
    options?: AnySchema[];
  };
  if (value === null || typeof value !== "object") return;
  if (s.type === "loose_object" && s.entries && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      const entry = Object.hasOwn(s.entries, key) ? s.entries[key] : undefined;
      if (entry) findUnknownKeys(entry, child, [...path, key], onUnknown);
      else onUnknown([...path, key]);
    }
  } else if (s.type === "record" && s.value && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      findUnknownKeys(s.value, child, [...path, key], onUnknown);
  } else if (s.type === "array" && s.item && Array.isArray(value)) {
    value.forEach((child, i) => {
      findUnknownKeys(s.item!, child, [...path, i], onUnknown);
    });
  }
}
