/** A rewrite's result as the HTTP side uses it: the body as bytes, ready to forward. */
import type { RewriteResult } from "./rewrite.ts";

export type RewriteOutcome =
  | (Omit<Extract<RewriteResult, { ok: true }>, "body"> & {
      /** Rewritten bytes; null when the original bytes are to be forwarded. */
      readonly body: Uint8Array | null;
    })
  | Extract<RewriteResult, { ok: false }>;
