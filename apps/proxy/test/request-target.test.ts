import { describe, expect, it } from "vitest";
import { isPlainPath, parseTarget } from "../src/http/request-target.ts";

/** What a plain path must mean: `new URL` gives it back as the pathname, with nothing else. */
function urlKeepsAsIs(raw: string): boolean {
  const url = parseTarget(raw);
  return url.pathname === raw && url.search === "" && url.hash === "" && url.host === "hotswap.invalid";
}

describe("request target", () => {
  it("request target: plain paths are taken as is, and new URL agrees", () => {
    const plain = ["/", "/v1/chat/completions", "/a/", "/a.b", "/a..", "/a.", "/v1/x_Y-z.9/", "/A/B"];
    for (const raw of plain) {
      expect(isPlainPath(raw), raw).toBe(true);
      expect(urlKeepsAsIs(raw), raw).toBe(true);
    }
  });

  it("request target: anything new URL could change or split goes to new URL", () => {
    const notPlain = [
      "",
      "*",
      "v1/chat",
      "http://hotswap.invalid/v1/chat/completions",
      "//host/v1",
      "/a//b",
      "/.",
      "/..",
      "/./a",
      "/a/.",
      "/a/..",
      "/a/../b",
      "/.well-known",
      "/%2e%2e/a",
      "/a%2Fb",
      "/a\\b",
      "\\a",
      "/a?b=1",
      "/a?",
      "/a#x",
      "/a b",
      "/a\tb",
      "/é",
      "/a:b",
      "/a@b",
      "/~a",
    ];
    for (const raw of notPlain) expect(isPlainPath(raw), raw).toBe(false);
  });

  it("request target: over many generated targets, every one taken as plain is one new URL keeps as is", () => {
    // A fixed-seed generator: half the targets from the characters a plain path may hold,
    // half with the ones that matter to URL parsing mixed in.
    const plainChars = ["/", "/", ".", ".", "a", "Z", "0", "_", "-"];
    const allChars = [...plainChars, "%", "2", "e", "\\", "?", "#", " ", "é", ":", "@", "~", "\t"];
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    let plain = 0;
    for (let i = 0; i < 20000; i++) {
      const chars = i % 2 === 0 ? plainChars : allChars;
      let raw = next(8) === 0 ? "" : "/";
      const length = next(10);
      for (let k = 0; k < length; k++) raw += chars[next(chars.length)];
      if (!isPlainPath(raw)) continue;
      plain += 1;
      expect(urlKeepsAsIs(raw), JSON.stringify(raw)).toBe(true);
    }
    // The generator reaches the fast path often enough to mean something.
    expect(plain).toBeGreaterThan(2000);
  });
});
