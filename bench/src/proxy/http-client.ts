/** One-off requests from the bench process (warm-ups, swap timing), with undici. */
import { performance } from "node:perf_hooks";
import { request } from "undici";

export interface TimedResponse {
  readonly status: number;
  readonly text: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** performance.now() when the request was sent, when the head arrived, when the body ended. */
  readonly sentAt: number;
  readonly headAt: number;
  readonly firstByteAt: number;
  readonly endAt: number;
}

/** POSTs JSON and reads the whole answer, recording when the first body byte arrived. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TimedResponse> {
  const sentAt = performance.now();
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const headAt = performance.now();
  let firstByteAt = 0;
  const parts: Buffer[] = [];
  for await (const part of res.body) {
    if (firstByteAt === 0) firstByteAt = performance.now();
    parts.push(part as Buffer);
  }
  const endAt = performance.now();
  return {
    status: res.statusCode,
    text: Buffer.concat(parts).toString("utf8"),
    headers: res.headers,
    sentAt,
    headAt,
    firstByteAt: firstByteAt === 0 ? endAt : firstByteAt,
    endAt,
  };
}

export const CHAT_PATH = "/v1/chat/completions";

/** The small chat request every overhead measurement sends. */
export function smallChat(model: string): string {
  return JSON.stringify({ model, messages: [{ role: "user", content: "hello" }], max_tokens: 16 });
}

/** Sends one request and throws unless it is answered 200 (used to load a model before timing). */
export async function warm(baseUrl: string, model: string): Promise<void> {
  const res = await postJson(`${baseUrl}${CHAT_PATH}`, smallChat(model));
  if (res.status !== 200)
    throw new Error(`warm-up of ${model} at ${baseUrl} got ${res.status}: ${res.text.slice(0, 300)}`);
}
