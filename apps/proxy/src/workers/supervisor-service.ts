/**
 * The supervisor worker's API implementation, as a plain module (the worker entry only
 * exposes it over comlink). Commands wait for `init`, which sweeps orphans first, so no
 * new process is spawned before the leftovers of a killed predecessor are gone.
 */
import type { MessagePort } from "node:worker_threads";
import { ProcessHost } from "./process-host.ts";
import { ProcessRecordFile, sweepOrphans } from "./process-record.ts";
import type { ProcessSpec, SupervisorEvent, SupervisorWorkerApi } from "./supervisor-messages.ts";

export function createSupervisorService(): SupervisorWorkerApi {
  let resolveHost: (host: ProcessHost) => void = () => {};
  let rejectHost: (err: unknown) => void = () => {};
  const hostReady = new Promise<ProcessHost>((resolve, reject) => {
    resolveHost = resolve;
    rejectHost = reject;
  });
  // Commands may be rejected before anyone awaits: keep that from being "unhandled".
  hostReady.catch(() => {});
  let initialised = false;
  return {
    async init(events: MessagePort, recordFile: string | null): Promise<void> {
      if (initialised) throw new Error("init called twice");
      initialised = true;
      try {
        if (recordFile !== null) await sweepOrphans(recordFile);
        const emit = (event: SupervisorEvent): void => events.postMessage(event);
        const record = recordFile === null ? null : new ProcessRecordFile(recordFile);
        resolveHost(new ProcessHost({ emit, record }));
      } catch (err) {
        // Every command fails with this error rather than waiting forever.
        rejectHost(new Error(`supervisor init failed: ${(err as Error).message}`));
        throw err;
      }
    },
    async start(spec: ProcessSpec): Promise<void> {
      (await hostReady).start(spec);
    },
    async stop(model: string, instance: number, timeoutMs: number): Promise<void> {
      await (await hostReady).stop(model, instance, timeoutMs);
    },
    async stopAll(timeoutMs: number | null): Promise<void> {
      await (await hostReady).stopAll(timeoutMs);
    },
  };
}
