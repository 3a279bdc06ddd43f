/**
 * Building blocks for the valibot schemas with messages of the form
 * "expected <what>, found <value>", shared by every schema file.
 */
import * as v from "valibot";
import { describeValue } from "../format.ts";

type Issue = { readonly input: unknown };

/** A valibot message function: "expected <what>, found <input>". */
export function expected(what: string): (issue: Issue) => string {
  return (issue) => `expected ${what}, found ${describeValue(issue.input)}`;
}

export function str(what = "a string") {
  return v.string(expected(what));
}

export function bool() {
  return v.boolean(expected("true or false"));
}

/** An integer >= `min` (when given). */
export function int(min?: number) {
  const what = min === undefined ? "an integer" : `an integer >= ${min}`;
  const msg = expected(what);
  return min === undefined
    ? v.pipe(v.number(msg), v.integer(msg))
    : v.pipe(v.number(msg), v.integer(msg), v.minValue(min, msg));
}

/** A finite number >= `min`. */
export function num(min: number) {
  const msg = expected(`a number >= ${min}`);
  return v.pipe(v.number(msg), v.finite(msg), v.minValue(min, msg));
}

export function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  return v.picklist(options, expected(`one of ${options.map((o) => JSON.stringify(o)).join(", ")}`));
}

export function list<T extends v.GenericSchema>(item: T, what = "a list") {
  return v.array(item, expected(what));
}

const isMapping = (input: unknown): boolean =>
  input !== null && typeof input === "object" && !Array.isArray(input);

/** Valibot's record and object schemas accept arrays; a YAML list is never a mapping. */
function notList(what: string) {
  return v.custom<Record<string, unknown>>(isMapping, expected(what));
}

export function mapping<T extends v.GenericSchema>(value: T, what = "a mapping") {
  return v.pipe(notList(what), v.record(v.string(), value, expected(what)));
}

/** Any mapping with arbitrary values (metadata, setParams). */
export function anyMapping(what = "a mapping") {
  return v.pipe(notList(what), v.record(v.string(), v.unknown(), expected(what)));
}

export function obj<const E extends v.ObjectEntries>(entries: E, what = "a mapping") {
  return v.pipe(notList(what), v.looseObject(entries, expected(what)));
}

/** A value hotswap does not act on: accepted as is, reported once as ignored. */
export function ignored() {
  return v.unknown();
}
