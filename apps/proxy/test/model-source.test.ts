import { describe, expect, it } from "vitest";
import {
  multipartBoundary,
  multipartField,
  queryModel,
  replaceMultipartField,
} from "../src/http/model-source.ts";

function form(boundary: string, parts: { name: string; value: string; filename?: string }[]): Buffer {
  const chunks = parts.map((p) => {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}`;
    const type = p.filename ? "\r\nContent-Type: application/octet-stream" : "";
    return `--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n${p.value}\r\n`;
  });
  return Buffer.from(`${chunks.join("")}--${boundary}--\r\n`);
}

describe("route model extraction", () => {
  it("route model extraction: finds the model field after a file part", () => {
    const boundary = "----hotswap123";
    const body = form(boundary, [
      { name: "file", value: 'model="fake"\r\n--not-a-boundary', filename: "a.wav" },
      { name: "model", value: "whisper" },
      { name: "language", value: "en" },
    ]);
    const type = `multipart/form-data; boundary=${boundary}`;
    const parsed = multipartBoundary(type);
    expect(parsed).toBe(boundary);
    expect(multipartField(body, boundary, "model")).toBe("whisper");
    expect(multipartField(body, boundary, "language")).toBe("en");
    expect(multipartField(body, boundary, "missing")).toBeNull();
  });

  it("route model extraction: a file part named model is not a model field", () => {
    const boundary = "b";
    const body = form(boundary, [{ name: "model", value: "data", filename: "model.bin" }]);
    expect(multipartField(body, boundary, "model")).toBeNull();
  });

  it("route model extraction: replacing the model field keeps every other byte", () => {
    const boundary = "b0";
    const parts = [
      { name: "file", value: "\u0000binary\r\n", filename: "a.wav" },
      { name: "model", value: "alias" },
    ];
    const body = form(boundary, parts);
    const out = replaceMultipartField(body, boundary, "model", "vendor/real-name");
    expect(multipartField(out, boundary, "model")).toBe("vendor/real-name");
    expect(out.toString("latin1")).toBe(
      body.toString("latin1").replace("\r\n\r\nalias\r\n", "\r\n\r\nvendor/real-name\r\n"),
    );
    expect(replaceMultipartField(body, boundary, "missing", "x")).toBe(body);
  });

  it("route model extraction: quoted boundaries and non-multipart types", () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("application/json")).toBeNull();
    expect(multipartBoundary(undefined)).toBeNull();
  });

  it("route model extraction: ?model= from the query", () => {
    expect(queryModel(new URL("http://x/v1/audio/speech?model=tts-1"))).toBe("tts-1");
    expect(queryModel(new URL("http://x/v1/audio/speech?model="))).toBeNull();
    expect(queryModel(new URL("http://x/v1/audio/speech"))).toBeNull();
  });
});
