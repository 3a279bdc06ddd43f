/**
 * Swapping and scheduling: legacy top-level `groups` / `matrix`, canonical `routing`.
 */
import * as v from "valibot";
import { bool, expected, int, list, mapping, obj, oneOf, str } from "./messages.ts";

export const groupSchema = obj(
  {
    swap: v.optional(bool()),
    exclusive: v.optional(bool()),
    persistent: v.optional(bool()),
    members: list(str(), "a list of model ids"),
  },
  "a mapping with members (and optionally swap, exclusive, persistent)",
);

export const groupsSchema = mapping(groupSchema, "a mapping of group names to groups");

/**
 * Var names: the schema says 1-8 alphanumerics, the example file documents 1-32 characters
 * with "-" and "."; the wider rule is accepted so both forms load.
 */
export const MATRIX_VAR = /^[a-zA-Z0-9.-]{1,32}$/;

export const matrixSchema = obj(
  {
    vars: v.optional(
      v.pipe(
        mapping(str("a model id"), "a mapping of short names to model ids"),
        v.check(
          (vars) => Object.keys(vars).every((k) => MATRIX_VAR.test(k)),
          expected("var names of 1-32 letters, digits, '-' or '.'"),
        ),
      ),
    ),
    evict_costs: v.optional(mapping(int(1), "a mapping of model ids or vars to integers >= 1")),
    sets: mapping(str("a set expression"), "a mapping of set names to set expressions"),
  },
  "a mapping with vars, sets and evict_costs",
);

/** `use` values: llama-swap's group|matrix plus hotswap's memory|serial planners. */
export const ROUTER_NAMES = ["group", "matrix", "memory", "serial"] as const;
/** `use` values: llama-swap's fifo plus hotswap's serial scheduler. */
export const SCHEDULER_NAMES = ["fifo", "serial"] as const;

export const routingSchema = obj({
  router: v.optional(
    obj({
      use: v.optional(oneOf(ROUTER_NAMES)),
      settings: v.optional(obj({ groups: v.optional(groupsSchema), matrix: v.optional(matrixSchema) })),
    }),
  ),
  scheduler: v.optional(
    obj({
      use: v.optional(oneOf(SCHEDULER_NAMES)),
      settings: v.optional(
        obj({
          fifo: v.optional(
            obj({ priority: v.optional(mapping(int(), "a mapping of model ids to integer priorities")) }),
          ),
        }),
      ),
    }),
  ),
});

export type GroupInput = v.InferOutput<typeof groupSchema>;
export type MatrixInput = v.InferOutput<typeof matrixSchema>;
export type RoutingInput = v.InferOutput<typeof routingSchema>;
