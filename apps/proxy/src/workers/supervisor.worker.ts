/** Supervisor worker entry: exposes the service over comlink. Logic lives in supervisor-service.ts. */
import { parentPort } from "node:worker_threads";
import { expose } from "comlink";
import { nodeEndpoint } from "./comlink-node.ts";
import { createSupervisorService } from "./supervisor-service.ts";

if (parentPort === null) throw new Error("supervisor.worker.ts must run in a worker thread");
expose(createSupervisorService(), nodeEndpoint(parentPort));
