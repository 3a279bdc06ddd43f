/**
 * What each route answers. Pure: builds a reply description, the server writes it.
 * Every JSON answer carries `fake: { name, model, pid }` so tests can tell who answered.
 */
import type { ParsedBody } from "./request-body.ts";

export interface RouteContext {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, unknown>;
  readonly body: ParsedBody;
  readonly name: string;
  readonly echo: boolean;
}

/** A stream: `frame(i, n)` is the i-th SSE frame text (0-based), `tail` ends the stream. */
export type Reply =
  | { readonly kind: "json"; readonly status: number; readonly body: Record<string, unknown> }
  | { readonly kind: "bytes"; readonly status: number; readonly contentType: string; readonly data: Buffer }
  | { readonly kind: "stream"; readonly frame: (i: number, n: number) => string; readonly tail: string };

const DONE = "data: [DONE]\n\n";
const sse = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;
const named = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function fakeInfo(ctx: RouteContext): Record<string, unknown> {
  const info: Record<string, unknown> = { name: ctx.name, model: ctx.body.model, pid: process.pid };
  if (ctx.echo) {
    info.echo = {
      method: ctx.method,
      path: ctx.path,
      headers: ctx.headers,
      body: ctx.body.json ?? ctx.body.text,
    };
  }
  return info;
}

function json(ctx: RouteContext, body: Record<string, unknown>, status = 200): Reply {
  return { kind: "json", status, body: { ...body, fake: fakeInfo(ctx) } };
}

/** The text a non-streaming answer contains. */
export function answerText(name: string, model: string | null): string {
  return `${name} answered model ${model ?? "(none)"}`;
}

const chunkText = (name: string, i: number, n: number): string => `chunk ${i + 1}/${n} from ${name}. `;

function chat(ctx: RouteContext): Reply {
  const model = ctx.body.model ?? ctx.name;
  const created = Math.floor(Date.now() / 1000);
  if (ctx.body.stream) {
    return {
      kind: "stream",
      frame: (i, n) =>
        sse({
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created,
          model,
          choices: [
            {
              index: 0,
              delta:
                i === 0
                  ? { role: "assistant", content: chunkText(ctx.name, i, n) }
                  : { content: chunkText(ctx.name, i, n) },
              finish_reason: i === n - 1 ? "stop" : null,
            },
          ],
          ...(i === 0 ? { fake: fakeInfo(ctx) } : {}),
        }),
      tail: DONE,
    };
  }
  return json(ctx, {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answerText(ctx.name, ctx.body.model) },
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

function completions(ctx: RouteContext): Reply {
  const model = ctx.body.model ?? ctx.name;
  if (ctx.body.stream) {
    return {
      kind: "stream",
      frame: (i, n) =>
        sse({
          id: "cmpl-fake",
          object: "text_completion",
          model,
          choices: [
            { index: 0, text: chunkText(ctx.name, i, n), finish_reason: i === n - 1 ? "stop" : null },
          ],
        }),
      tail: DONE,
    };
  }
  return json(ctx, {
    id: "cmpl-fake",
    object: "text_completion",
    model,
    choices: [{ index: 0, text: answerText(ctx.name, ctx.body.model), finish_reason: "stop" }],
  });
}

/** llama.cpp's native `/completion` and `/infill`: no `[DONE]` at the end of a stream. */
function llamaCompletion(ctx: RouteContext): Reply {
  if (ctx.body.stream) {
    return {
      kind: "stream",
      frame: (i, n) => sse({ content: chunkText(ctx.name, i, n), stop: i === n - 1 }),
      tail: "",
    };
  }
  return json(ctx, { content: answerText(ctx.name, ctx.body.model), stop: true });
}

/** Anthropic-style `/v1/messages`. */
function messages(ctx: RouteContext): Reply {
  const model = ctx.body.model ?? ctx.name;
  if (ctx.body.stream) {
    return {
      kind: "stream",
      frame: (i, n) => {
        const head =
          i === 0
            ? named("message_start", {
                type: "message_start",
                message: { id: "msg_fake", model, role: "assistant" },
              })
            : "";
        const delta = named("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: chunkText(ctx.name, i, n) },
        });
        return head + delta;
      },
      tail: named("message_stop", { type: "message_stop" }),
    };
  }
  return json(ctx, {
    id: "msg_fake",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: answerText(ctx.name, ctx.body.model) }],
    stop_reason: "end_turn",
    usage: { input_tokens: 1, output_tokens: 1 },
  });
}

function responses(ctx: RouteContext): Reply {
  const model = ctx.body.model ?? ctx.name;
  if (ctx.body.stream) {
    return {
      kind: "stream",
      frame: (i, n) =>
        named("response.output_text.delta", {
          type: "response.output_text.delta",
          delta: chunkText(ctx.name, i, n),
        }),
      tail: named("response.completed", { type: "response.completed", response: { id: "resp_fake", model } }),
    };
  }
  return json(ctx, {
    id: "resp_fake",
    object: "response",
    model,
    output: [
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: answerText(ctx.name, ctx.body.model) }],
      },
    ],
  });
}

function embeddings(ctx: RouteContext): Reply {
  const input = ctx.body.json?.input;
  const count = Array.isArray(input) ? input.length : 1;
  const data = Array.from({ length: count }, (_, index) => ({
    object: "embedding",
    index,
    embedding: Array.from({ length: 8 }, (_, d) => (index + 1) / (d + 1)),
  }));
  return json(ctx, { object: "list", model: ctx.body.model ?? ctx.name, data });
}

function rerank(ctx: RouteContext): Reply {
  const docs = ctx.body.json?.documents;
  const count = Array.isArray(docs) ? docs.length : 0;
  const results = Array.from({ length: count }, (_, index) => ({ index, relevance_score: 1 / (index + 1) }));
  return json(ctx, { model: ctx.body.model ?? ctx.name, results });
}

function models(ctx: RouteContext): Reply {
  return json(ctx, { object: "list", data: [{ id: ctx.name, object: "model", owned_by: "fake-upstream" }] });
}

/** Unknown paths echo what they received. */
function echoAll(ctx: RouteContext): Reply {
  return json({ ...ctx, echo: true }, { path: ctx.path, method: ctx.method });
}

/** Chooses the reply for one request (the server has already checked loading state). */
export function route(ctx: RouteContext): Reply {
  const post = ctx.method === "POST";
  switch (ctx.path) {
    case "/v1/models":
      return models(ctx);
    case "/v1/chat/completions":
      return post ? chat(ctx) : echoAll(ctx);
    case "/v1/completions":
      return post ? completions(ctx) : echoAll(ctx);
    case "/completion":
    case "/infill":
      return post ? llamaCompletion(ctx) : echoAll(ctx);
    case "/v1/embeddings":
      return embeddings(ctx);
    case "/v1/rerank":
    case "/rerank":
      return rerank(ctx);
    case "/v1/messages":
      return messages(ctx);
    case "/v1/responses":
      return responses(ctx);
    case "/v1/audio/speech":
      return {
        kind: "bytes",
        status: 200,
        contentType: "audio/mpeg",
        data: Buffer.from(`FAKEAUDIO ${answerText(ctx.name, ctx.body.model)}`),
      };
    case "/v1/audio/transcriptions":
      return json(ctx, { text: answerText(ctx.name, ctx.body.model) });
    case "/v1/images/generations":
      return json(ctx, {
        created: Math.floor(Date.now() / 1000),
        data: [{ b64_json: Buffer.from(answerText(ctx.name, ctx.body.model)).toString("base64") }],
      });
    default:
      return echoAll(ctx);
  }
}
