/**
 * The one place that loads comlink's node adapter. Its ESM build is not exported, so it is
 * required from the UMD file (checked to work on Node 24 in main and worker threads).
 */
import { createRequire } from "node:module";
import type { Endpoint } from "comlink";

/** The subset of `Worker` / `MessagePort` the adapter uses. */
export interface NodeMessageEndpoint {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(type: "message", listener: (value: unknown) => void): unknown;
  off(type: "message", listener: (value: unknown) => void): unknown;
  start?: () => void;
}

const require = createRequire(import.meta.url);

/** Adapts a node `Worker`, `parentPort` or `MessagePort` into a comlink endpoint. */
export const nodeEndpoint = require("comlink/dist/umd/node-adapter.js") as (
  nep: NodeMessageEndpoint,
) => Endpoint;
