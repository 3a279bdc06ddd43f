/**
 * Where a request names its model, besides JSON bodies (see body/rewrite.ts):
 * a multipart form field `model` (audio transcriptions, image edits) or `?model=`.
 */
import type { RequestTarget } from "./request-target.ts";

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/** Where a form field's value sits in the body: bytes [start, end). */
interface FieldRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The byte range of the first non-file form field `name`, or null. Scans part headers only:
 * file parts are skipped without decoding, so large uploads cost one pass of indexOf.
 */
function multipartFieldRange(body: Buffer, boundary: string, name: string): FieldRange | null {
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headerStart = at + delimiter.length;
    // "--" right after a delimiter closes the form.
    if (body[headerStart] === 0x2d && body[headerStart + 1] === 0x2d) return null;
    const headerEnd = body.indexOf("\r\n\r\n", headerStart);
    if (headerEnd === -1) return null;
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next === -1) return null;
    const headers = body.toString("utf8", headerStart, headerEnd);
    const disposition = /content-disposition:\s*form-data([^\r\n]*)/i.exec(headers);
    const fieldName = disposition ? /;\s*name="([^"]*)"/i.exec(disposition[1] ?? "") : null;
    const isFile = disposition ? /;\s*filename=/i.test(disposition[1] ?? "") : false;
    if (fieldName?.[1] === name && !isFile) {
      // The part's value ends with the CRLF that precedes the next delimiter.
      const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
      return { start: headerEnd + 4, end };
    }
    at = next;
  }
  return null;
}

/** The value of the first non-file form field `name` in a multipart body, or null. */
export function multipartField(body: Buffer, boundary: string, name: string): string | null {
  const range = multipartFieldRange(body, boundary, name);
  return range === null ? null : body.toString("utf8", range.start, range.end);
}

/** The body with the first form field `name` set to `value` (unchanged when there is none). */
export function replaceMultipartField(body: Buffer, boundary: string, name: string, value: string): Buffer {
  const range = multipartFieldRange(body, boundary, name);
  if (range === null) return body;
  return Buffer.concat([body.subarray(0, range.start), Buffer.from(value), body.subarray(range.end)]);
}

/** The `model` query parameter, or null. */
export function queryModel(url: RequestTarget): string | null {
  if (url.search === "") return null;
  const value = new URLSearchParams(url.search).get("model");
  return value === null || value === "" ? null : value;
}
