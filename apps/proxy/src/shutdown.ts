/**
 * Stopping the proxy. Order:
 * 1. stop accepting connections (idle keep-alive ones close);
 * 2. shutdownRequested: queued requests get 503, in-flight ones finish, models stop;
 * 3. after `graceMs` without shutdownComplete: shutdownRequested with force, then
 *    `supervisor.stopAll` with a short grace;
 * 4. close the supervisor, the upstream pools, the rewrite pool and remaining connections.
 */
import type { Event } from "@hotswap/core";
import type { Logger } from "pino";
import type { BodyRewriter } from "./body/body-rewriter.ts";
import type { SupervisorLike } from "./effects/context.ts";
import type { WakeTimer } from "./effects/wake-at.ts";
import type { HttpServer } from "./http/server.ts";
import type { UpstreamPools } from "./http/upstream-pools.ts";

export interface CloseOptions {
  /** How long in-flight requests and model stops may take before force. Default 10 s. */
  readonly graceMs?: number;
  /** Skip the grace period: cut requests and kill processes now. */
  readonly force?: boolean;
}

export interface ShutdownParts {
  readonly http: HttpServer;
  readonly supervisor: SupervisorLike;
  readonly pools: UpstreamPools;
  readonly rewriter: BodyRewriter;
  readonly timer: WakeTimer;
  readonly logger: Logger;
  dispatch(event: Event): void;
  now(): number;
  /** Resolves when the shutdownComplete effect ran. */
  readonly shutdownDone: Promise<void>;
}

/** SIGKILL grace when the graceful part is over or skipped. */
const FORCE_KILL_GRACE_MS = 1000;

/** Runs the whole sequence once; resolves when everything is closed. */
export async function shutdown(parts: ShutdownParts, options: CloseOptions = {}): Promise<void> {
  const { http, supervisor, dispatch, now } = parts;
  const serverClosed = http.close();
  dispatch({ type: "shutdownRequested", force: options.force === true, at: now() });
  const graceMs = options.force ? 2 * FORCE_KILL_GRACE_MS : (options.graceMs ?? 10_000);
  let boundTimer: NodeJS.Timeout | undefined;
  const bound = new Promise<"timeout">((resolve) => {
    boundTimer = setTimeout(() => resolve("timeout"), graceMs);
  });
  const outcome = await Promise.race([parts.shutdownDone.then(() => "done" as const), bound]);
  clearTimeout(boundTimer);
  if (outcome === "timeout") {
    parts.logger.warn({ graceMs }, "shutdown grace period over; forcing");
    dispatch({ type: "shutdownRequested", force: true, at: now() });
    await supervisor.stopAll(FORCE_KILL_GRACE_MS);
  }
  parts.timer.cancel();
  http.closeAll();
  await supervisor.close();
  await Promise.all([parts.pools.closeAll(), parts.rewriter.close(), serverClosed]);
}

/** A second, forcing close while the graceful one waits: cut requests and processes now. */
export function forceNow(parts: ShutdownParts): void {
  parts.dispatch({ type: "shutdownRequested", force: true, at: parts.now() });
  void parts.supervisor.stopAll(FORCE_KILL_GRACE_MS).catch(() => {});
  parts.http.closeAll();
}
