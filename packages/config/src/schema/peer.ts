/** One entry of `peers`: a remote llama-swap-compatible server and the models it serves. */
import * as v from "valibot";
import { stripParamsSchema, timeoutsSchema } from "./common.ts";
import { anyMapping, expected, list, obj, str } from "./messages.ts";

export const peerSchema = obj(
  {
    proxy: v.pipe(str("a URL"), v.url(expected("a URL"))),
    apiKey: v.optional(str()),
    models: list(v.pipe(str(), v.minLength(1, expected("a non-empty string"))), "a list of model names"),
    filters: v.optional(
      obj({ stripParams: v.optional(stripParamsSchema), setParams: v.optional(anyMapping()) }),
    ),
    timeouts: v.optional(timeoutsSchema),
  },
  "a mapping with proxy and models",
);

export type PeerInput = v.InferOutput<typeof peerSchema>;
