/** What route handlers see of the app. */
import type { ResolvedConfig } from "@hotswap/config";
import type { BodyRewriter } from "../body/body-rewriter.ts";
import type { RewriteTable } from "../body/rewrite.ts";
import type { LogHub } from "../logs/log-hub.ts";
import type { ModelRequestDeps } from "./model-request.ts";

export interface RouteContext extends ModelRequestDeps {
  /** The rewrite table of the current config. */
  table(): RewriteTable;
  readonly rewriter: BodyRewriter;
  readonly logs: LogHub;
  /** Unix seconds when the proxy started (`created` in /v1/models). */
  readonly startedAt: number;
  /** Bound on how long unload calls wait for processes to go. */
  readonly unloadWaitMs: number;
}

export type { ResolvedConfig };
