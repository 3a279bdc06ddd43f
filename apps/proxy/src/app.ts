/**
 * The proxy, in-process: run loop + supervisor + HTTP server. `startProxy` is what the CLI,
 * tests and benches use.
 *
 * `startProxy` is the composition root: it wires every part in one place, which is why it
 * runs longer than the usual function. `close()` follows shutdown.ts.
 */
import { performance } from "node:perf_hooks";
import type { ResolvedConfig } from "@hotswap/config";
import type { Effect, Event, State } from "@hotswap/core";
import type { Logger } from "pino";
import { createBodyRewriter } from "./body/body-rewriter.ts";
import { type RewriteTable, rewriteTableFrom } from "./body/rewrite.ts";
import { createCoreLoop } from "./core-loop.ts";
import type { EffectContext, SupervisorLike } from "./effects/context.ts";
import { bindExecutors } from "./effects/index.ts";
import { WakeTimer } from "./effects/wake-at.ts";
import { KEY_HEADERS } from "./http/auth.ts";
import type { RouteContext } from "./http/route-context.ts";
import { createRequestHandler } from "./http/routes.ts";
import { formatUrl, type ListenAddress, startHttpServer } from "./http/server.ts";
import { UpstreamPools, upstreamLifecycle } from "./http/upstream-pools.ts";
import { warmUpForwarding } from "./http/warm-up.ts";
import { createLogger } from "./logger.ts";
import { LogHub } from "./logs/log-hub.ts";
import { ProcessTable } from "./process-table.ts";
import { TicketRegistry } from "./requests/ticket.ts";
import type { RunLoop } from "./run-loop.ts";
import { type CloseOptions, forceNow, type ShutdownParts, shutdown } from "./shutdown.ts";
import { handleSupervisorEvent } from "./supervisor-events.ts";
import { createSupervisor } from "./workers/supervisor-client.ts";
import type { SupervisorEvent } from "./workers/supervisor-messages.ts";

export interface StartProxyOptions {
  readonly config: ResolvedConfig;
  /** Default 127.0.0.1:0. */
  readonly listen?: ListenAddress;
  /** Where the supervisor records process groups for orphan sweeps; null = none. */
  readonly recordFile?: string | null;
  /** Defaults to a pino logger from the config's log settings. */
  readonly logger?: Logger;
  /** Bodies at least this big are rewritten in the piscina pool. */
  readonly inlineBodyThresholdBytes?: number;
  /** Observes every event the run loop applies and the effects it produced (tests, tracing). */
  readonly onStep?: (event: Event, effects: readonly Effect[]) => void;
  /** For tests: a supervisor other than the real worker-thread one. */
  readonly createSupervisor?: (onEvent: (event: SupervisorEvent) => void) => SupervisorLike;
}

export type { CloseOptions };

export interface ProxyHandle {
  readonly url: string;
  readonly address: ListenAddress;
  readonly runLoop: RunLoop<State>;
  readonly logs: LogHub;
  readonly logger: Logger;
  /** Applies a new configuration; `changed` lists models whose process settings changed. */
  replaceConfig(config: ResolvedConfig, changed: readonly string[]): void;
  /** Starts models without a request (hooks.on_startup.preload). */
  preload(models: readonly string[]): void;
  close(options?: CloseOptions): Promise<void>;
}

export async function startProxy(options: StartProxyOptions): Promise<ProxyHandle> {
  let config = options.config;
  let table: RewriteTable = rewriteTableFrom(config);
  const logs = new LogHub();
  const logger = options.logger ?? createLogger(logs, config.logLevel, config.logToStdout);
  const now = (): number => performance.now();
  const tickets = new TicketRegistry();
  const processes = new ProcessTable();
  const pools = new UpstreamPools();
  // A body bound for a slab starts the upload thread while it is rewritten (http/upload-thread.ts).
  const onLease = (): void => pools.uploads.prepare();
  const rewriter = createBodyRewriter(
    options.inlineBodyThresholdBytes === undefined
      ? { onLease }
      : { thresholdBytes: options.inlineBodyThresholdBytes, onLease },
  );
  const timer = new WakeTimer();
  let resolveShutdown!: () => void;
  const shutdownDone = new Promise<void>((r) => {
    resolveShutdown = r;
  });

  const runLoop = createCoreLoop(config.core, { logger, tickets, onStep: options.onStep });
  const dispatch = (event: Parameters<typeof runLoop.dispatch>[0]): void => runLoop.dispatch(event);

  const toStdoutUpstream = (): boolean => config.logToStdout === "upstream" || config.logToStdout === "both";
  const upstreams = upstreamLifecycle(pools, () => config);
  const onSupervisorEvent = (event: SupervisorEvent): void => {
    if (event.type === "log" && toStdoutUpstream()) process.stdout.write(`[${event.model}] ${event.line}\n`);
    handleSupervisorEvent({ logs, processes, dispatch, now, upstreams }, event);
  };
  const supervisor =
    options.createSupervisor?.(onSupervisorEvent) ??
    createSupervisor({ onEvent: onSupervisorEvent, recordFile: options.recordFile ?? null });

  const effectContext: EffectContext = {
    dispatch,
    now,
    config: () => config,
    tickets,
    processes,
    logs,
    supervisor,
    logger,
    onShutdownComplete: () => resolveShutdown(),
  };
  runLoop.setExecutors(bindExecutors(effectContext, timer));

  const routeContext: RouteContext = {
    dispatch,
    now,
    config: () => config,
    table: () => table,
    tickets,
    pools,
    rewriter,
    logs,
    processes,
    logger,
    startedAt: Math.floor(Date.now() / 1000),
    unloadWaitMs: 60_000,
    dropHeaders: () => (config.apiKeys.length > 0 ? KEY_HEADERS : []),
  };
  const http = await startHttpServer(
    options.listen ?? { host: "127.0.0.1", port: 0 },
    createRequestHandler(routeContext),
  );
  await warmUpForwarding(formatUrl(http.address));

  const parts: ShutdownParts = {
    http,
    supervisor,
    pools,
    rewriter,
    timer,
    logger,
    dispatch,
    now,
    shutdownDone,
  };
  let closing: Promise<void> | null = null;

  return {
    url: formatUrl(http.address),
    address: http.address,
    runLoop,
    logs,
    logger,
    replaceConfig(next, changed) {
      config = next;
      table = rewriteTableFrom(next);
      if (options.logger === undefined) logger.level = next.logLevel;
      dispatch({ type: "configReplaced", config: next.core, changed, at: now() });
    },
    preload(models) {
      if (models.length > 0) dispatch({ type: "preloadRequested", models, at: now() });
    },
    close(closeOptions) {
      if (closing === null) closing = shutdown(parts, closeOptions);
      else if (closeOptions?.force) forceNow(parts);
      return closing;
    },
  };
}
