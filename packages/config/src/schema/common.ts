/**
 * Schema pieces used in more than one place: macros, timeouts, filters.
 */
import * as v from "valibot";
import { anyMapping, expected, int, mapping, obj, str } from "./messages.ts";

/** Macro names: llama-swap's pattern and length; PID, PORT and MODEL_ID are reserved. */
export const MACRO_NAME = /^[a-zA-Z0-9_-]+$/;
export const RESERVED_MACROS = ["PID", "PORT", "MODEL_ID"] as const;

export const macroValueSchema = v.union(
  [
    v.pipe(v.string(), v.maxLength(1024, expected("a string of at most 1024 characters"))),
    v.number(),
    v.boolean(),
  ],
  expected("a string, number or boolean"),
);

export const macrosSchema = mapping(macroValueSchema, "a mapping of macro names to values");

/** Seconds; llama-swap's defaults are applied in resolution. */
export const timeoutsSchema = obj({
  connect: v.optional(int(0)),
  keepalive: v.optional(int(0)),
  responseHeader: v.optional(int(0)),
  tlsHandshake: v.optional(int(0)),
  expectContinue: v.optional(int(0)),
  idleConn: v.optional(int(0)),
});

export const stripParamsSchema = v.pipe(
  str("a comma separated list of parameter names"),
  v.regex(/^[a-zA-Z0-9_, ]*$/, expected("a comma separated list of parameter names (letters, digits, _)")),
);

export const filtersSchema = obj({
  stripParams: v.optional(stripParamsSchema),
  setParams: v.optional(anyMapping()),
  setParamsByID: v.optional(mapping(anyMapping(), "a mapping of model ids to parameter mappings")),
});
