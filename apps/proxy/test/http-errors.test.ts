import type { RejectCode } from "@hotswap/core";
import { describe, expect, it } from "vitest";
import { fromReject, MalformedJsonError, MissingModelError, UnknownModelError } from "../src/http/errors.ts";

const ALL_CODES: readonly RejectCode[] = [
  "UNKNOWN_MODEL",
  "START_FAILED",
  "MODEL_UNLOADED",
  "SHUTTING_DOWN",
  "QUEUE_FULL",
  "CONCURRENCY_LIMIT",
  "NEVER_FITS",
  "DUPLICATE_REQUEST",
];

describe("http errors", () => {
  it("http errors: bodies have the OpenAI shape with a stable code", () => {
    expect(new UnknownModelError("x").body()).toEqual({
      error: { message: 'model "x" not found', type: "invalid_request_error", code: "model_not_found" },
    });
    expect(new UnknownModelError("x").status).toBe(404);
    expect(new MalformedJsonError("bad").status).toBe(400);
    expect(new MissingModelError().status).toBe(400);
  });

  it("http errors: every core reject code maps to a status", () => {
    const statuses = Object.fromEntries(
      ALL_CODES.map((code) => [code, fromReject({ code, message: "m" }).status]),
    );
    expect(statuses).toEqual({
      UNKNOWN_MODEL: 404,
      START_FAILED: 502,
      MODEL_UNLOADED: 503,
      SHUTTING_DOWN: 503,
      QUEUE_FULL: 429,
      CONCURRENCY_LIMIT: 429,
      NEVER_FITS: 422,
      DUPLICATE_REQUEST: 500,
    });
    expect(fromReject({ code: "CONCURRENCY_LIMIT", message: "m" }).code).toBe("concurrency_limit");
    expect(fromReject({ code: "QUEUE_FULL", message: "m" }).code).toBe("queue_full");
  });

  it("http errors: a start failure carries the model's last log lines", () => {
    const err = fromReject({ code: "START_FAILED", message: "health timeout" }, ["line one", "line two"]);
    expect(err.message).toContain("health timeout");
    expect(err.message).toContain("line one\nline two");
    expect(err.body().error.code).toBe("start_failed");
  });
});
