/**
 * Thread entry for the upload thread (upload-thread.ts): wires its parent port to an
 * UploadSender. Kept thin; the logic is upload-sender.ts, tested as a plain module.
 */
import { parentPort } from "node:worker_threads";
import { lowerThreadPriority } from "../body/thread-priority.ts";
import type { ToUploadThread } from "./upload-messages.ts";
import { UploadSender } from "./upload-sender.ts";

// This thread spends its time copying large bodies into sockets; below the HTTP thread's
// priority, small requests are not the ones that wait for a core (see upload-thread.ts).
lowerThreadPriority();

const port = parentPort;
if (port === null) throw new Error("upload.worker.ts runs as a worker thread");
const sender = new UploadSender((message, transfer) => port.postMessage(message, transfer ?? []));
port.on("message", (message: ToUploadThread) => sender.handle(message));
