/**
 * A request whose body arrives in two parts: headers and the first part go out at once,
 * the rest only when the test calls `finish()`. Built on node:http so the test controls
 * exactly when bytes leave.
 */
import { request } from "node:http";
import type { HttpResult } from "./client.ts";

export interface SlowUpload {
  /** Resolves once the headers and the first part are written to the socket. */
  readonly firstPartSent: Promise<void>;
  /** Sends the rest of the body; resolves once it is written to the socket. */
  finish(): Promise<void>;
  readonly response: Promise<HttpResult>;
}

export function slowUpload(url: string, bodyText: string, splitAt: number): SlowUpload {
  const body = Buffer.from(bodyText);
  const req = request(url, {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(body.length) },
  });
  const response = new Promise<HttpResult>((resolve, reject) => {
    req.once("error", reject);
    req.once("response", (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.once("error", reject);
      res.once("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
  });
  const firstPartSent = new Promise<void>((resolve, reject) => {
    req.flushHeaders();
    req.write(body.subarray(0, splitAt), (err) => (err ? reject(err) : resolve()));
  });
  const finish = (): Promise<void> =>
    new Promise<void>((resolve) => {
      req.end(body.subarray(splitAt), () => resolve());
    });
  return { firstPartSent, finish, response };
}

/**
 * Sends a whole request and resolves once every byte has left the client, so a sequence of
 * `await sendComplete(...)` calls reaches the proxy in that order. `response` settles later.
 */
export async function sendComplete(
  url: string,
  bodyText: string,
): Promise<{ response: Promise<HttpResult> }> {
  const upload = slowUpload(url, bodyText, 0);
  // Avoid an unhandled rejection while the caller has not awaited the response yet.
  upload.response.catch(() => {});
  await upload.firstPartSent;
  await upload.finish();
  return { response: upload.response };
}
