/**
 * HTTP helpers for e2e tests: undici `request` for raw calls, the `openai` SDK where a client
 * library fits, and readers for the proxy's `/running` and the fake upstream's answers.
 */
import { createParser } from "eventsource-parser";
import OpenAI from "openai";
import { request } from "undici";

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One request; `body` objects are sent as JSON, strings as they are. */
export async function http(
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const res = await request(url, {
    method,
    headers: payload === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: parseJson(text) };
}

export interface HasUrl {
  readonly url: string;
}

/** A minimal chat completion request body for `model`. */
export function chatBody(model: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: "user", content: "hello" }], ...extra };
}

/** POST /v1/chat/completions through the proxy. */
export function chat(
  proxy: HasUrl,
  model: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return http("POST", `${proxy.url}/v1/chat/completions`, chatBody(model, extra), headers);
}

/** What every fake upstream answer carries (packages/testkit/src/routes.ts). */
export interface FakeInfo {
  readonly name: string;
  readonly model: string | null;
  readonly pid: number;
  readonly echo?: {
    readonly method: string;
    readonly path: string;
    readonly headers: Record<string, unknown>;
    readonly body: unknown;
  };
}

/** The `fake` block of a JSON answer; throws with the raw body when there is none. */
export function fakeInfo(result: HttpResult): FakeInfo {
  const info = (result.json as { fake?: FakeInfo } | undefined)?.fake;
  if (info === undefined)
    throw new Error(`not a fake upstream answer (status ${result.status}): ${result.text}`);
  return info;
}

/** The `--name` of the fake upstream that answered. */
export function answeredBy(result: HttpResult): string {
  return fakeInfo(result).name;
}

/** An OpenAI SDK client aimed at the proxy (no retries: a failure must show as it is). */
export function openaiClient(proxy: HasUrl, apiKey = "sk-dummy"): OpenAI {
  return new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });
}

export interface RunningModel {
  readonly model: string;
  readonly state: string;
}

/** GET /running: the models the proxy reports as loaded, with their states. */
export async function running(proxy: HasUrl): Promise<RunningModel[]> {
  const res = await http("GET", `${proxy.url}/running`);
  if (res.status !== 200) throw new Error(`/running answered ${res.status}: ${res.text}`);
  const list = (res.json as { running?: RunningModel[] } | undefined)?.running;
  if (!Array.isArray(list)) throw new Error(`/running has no "running" array: ${res.text}`);
  return list;
}

/** Ids of the models /running lists, sorted. */
export async function runningIds(proxy: HasUrl): Promise<string[]> {
  return (await running(proxy)).map((m) => m.model).sort();
}

/**
 * Polls `probe` every `everyMs` until it returns a value other than undefined; rejects after
 * `timeoutMs`. Only for observing state the system exposes no event for (e.g. /running
 * after a TTL); the bound is a failure limit, not a synchronisation.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Splits an SSE body into its `data:` payloads, in order. */
export function sseData(text: string): string[] {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  parser.feed(text);
  return data;
}

/** GET /fake/stats straight from a fake upstream (not through the proxy). */
export async function fakeStats(port: number): Promise<Record<string, unknown>> {
  const res = await http("GET", `http://127.0.0.1:${port}/fake/stats`);
  if (res.status !== 200) throw new Error(`/fake/stats answered ${res.status}: ${res.text}`);
  return res.json as Record<string, unknown>;
}

/** Reads a streamed body until its first `data:` frame, then leaves (which destroys it). */
export async function leaveAfterFirstFrame(body: AsyncIterable<unknown>): Promise<void> {
  for await (const part of body) {
    if (String(part).includes("data:")) return;
  }
}

/**
 * Waits until the fake upstream on `port` has no request in flight: after a client left a
 * stream that would run far longer than `timeoutMs`, this proves the cut reached upstream.
 */
export function upstreamIdle(port: number, timeoutMs = 5_000): Promise<true> {
  return pollUntil(
    "the upstream request to be closed",
    async () => ((await fakeStats(port)).inFlight === 0 ? true : undefined),
    timeoutMs,
  );
}

/**
 * Reads a whole streamed body. At its first `data:` frame the fake upstream on `port` must
 * still be sending (one request in flight): otherwise the answer was buffered, and this
 * throws. Resolves with the text.
 */
export async function readWhileUpstreamStreams(body: AsyncIterable<unknown>, port: number): Promise<string> {
  let text = "";
  let checked = false;
  for await (const part of body) {
    text += String(part);
    if (!checked && text.includes("data:")) {
      checked = true;
      const inFlight = (await fakeStats(port)).inFlight;
      if (inFlight !== 1)
        throw new Error(`first frame arrived only after the upstream finished (in flight: ${inFlight})`);
    }
  }
  if (!checked) throw new Error(`no data frame in ${text.slice(0, 200)}`);
  return text;
}
