import { describe, expect, it } from "vitest";
import { checkAuth, presentedKey } from "../src/http/auth.ts";
import { UnauthorizedError } from "../src/http/errors.ts";

describe("auth", () => {
  it("auth: no keys configured lets everything through", () => {
    expect(() => checkAuth([], "/v1/models", {})).not.toThrow();
  });

  it("auth: accepts a Bearer token or x-api-key that matches a configured key", () => {
    expect(() => checkAuth(["k1", "k2"], "/v1/models", { authorization: "Bearer k2" })).not.toThrow();
    expect(() => checkAuth(["k1"], "/v1/models", { "x-api-key": "k1" })).not.toThrow();
  });

  it("auth: rejects a missing or wrong key with 401 except on /health", () => {
    expect(() => checkAuth(["k1"], "/v1/models", {})).toThrow(UnauthorizedError);
    expect(() => checkAuth(["k1"], "/v1/models", { authorization: "Bearer k10" })).toThrow(UnauthorizedError);
    expect(() => checkAuth(["k1"], "/v1/models", { authorization: "Basic k1" })).toThrow(UnauthorizedError);
    expect(() => checkAuth(["k1"], "/health", {})).not.toThrow();
    expect(() => checkAuth(["k1"], "/running", {})).toThrow(
      expect.objectContaining({ status: 401, code: "unauthorized" }),
    );
  });

  it("auth: the presented key prefers Authorization over x-api-key", () => {
    expect(presentedKey({ authorization: "bearer  abc ", "x-api-key": "def" })).toBe("abc");
    expect(presentedKey({ "x-api-key": "def" })).toBe("def");
    expect(presentedKey({})).toBeNull();
  });
});
