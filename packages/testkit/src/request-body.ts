/**
 * Reading and interpreting a request body: JSON, multipart (only the `model` field is
 * looked at) or plain text.
 */
import type { IncomingMessage } from "node:http";

export interface ParsedBody {
  /** The parsed JSON object, or null if the body was not a JSON object. */
  readonly json: Record<string, unknown> | null;
  /** The body as text (for echo). */
  readonly text: string;
  /** The `model` field, from JSON or a multipart form field. */
  readonly model: string | null;
  readonly stream: boolean;
  /** The body looked like JSON but did not parse. */
  readonly invalidJson: boolean;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function multipartField(text: string, field: string): string | null {
  const re = new RegExp(`name="${field}"\\r?\\n(?:[^\\r\\n]+\\r?\\n)*\\r?\\n([^\\r\\n]*)`);
  return re.exec(text)?.[1] ?? null;
}

export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  const text = raw.toString("utf8");
  if (contentType?.startsWith("multipart/form-data")) {
    return { json: null, text, model: multipartField(text, "model"), stream: false, invalidJson: false };
  }
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !contentType?.includes("json")) {
    return { json: null, text, model: null, stream: false, invalidJson: false };
  }
  if (trimmed === "") return { json: null, text, model: null, stream: false, invalidJson: false };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return { json: null, text, model: null, stream: false, invalidJson: false };
    }
    const json = value as Record<string, unknown>;
    const model = typeof json.model === "string" ? json.model : null;
    return { json, text, model, stream: json.stream === true, invalidJson: false };
  } catch {
    return { json: null, text, model: null, stream: false, invalidJson: true };
  }
}
