import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { clientHeaders, upstreamHeaders } from "../src/http/forward.ts";

describe("forward headers", () => {
  it("forward headers: hop-by-hop, host and the dropped key headers never reach upstream", () => {
    const out = upstreamHeaders(
      {
        host: "proxy:8080",
        connection: "keep-alive, x-private",
        "keep-alive": "timeout=5",
        "x-private": "1",
        "transfer-encoding": "chunked",
        authorization: "Bearer sk-1",
        "x-api-key": "sk-1",
        "content-type": "application/json",
        "x-fake-chunks": "2",
      },
      ["authorization", "x-api-key"],
      null,
    );
    expect(out).toEqual({ "content-type": "application/json", "x-fake-chunks": "2" });
  });

  it("forward headers: a rewritten body gets its own content-length, a streamed one keeps the client's", () => {
    const headers = { "content-length": "999", "content-type": "application/json" };
    expect(upstreamHeaders(headers, [], Buffer.from("12345"))["content-length"]).toBe("5");
    expect(upstreamHeaders(headers, [], Readable.from([]))["content-length"]).toBe("999");
  });

  it("forward headers: responses lose hop-by-hop headers and keep the rest", () => {
    expect(
      clientHeaders({
        "content-type": "text/event-stream",
        "Transfer-Encoding": "chunked",
        connection: "keep-alive",
        "x-request-id": "abc",
        skipped: undefined,
      }),
    ).toEqual({ "content-type": "text/event-stream", "x-request-id": "abc" });
  });

  it("forward headers: every hop-by-hop name is dropped both ways, names of the same length are kept", () => {
    const hop = [
      "connection",
      "keep-alive",
      "proxy-authenticate",
      "proxy-authorization",
      "proxy-connection",
      "te",
      "trailer",
      "transfer-encoding",
      "upgrade",
      "expect",
      "host",
    ];
    // Near misses: a hop-by-hop length with other characters, or one character more.
    const kept = [
      "tf",
      "hosts",
      "hose",
      "expert",
      "trailed",
      "upgrades",
      "connectio2",
      "keep-alivf",
      "x-proxy-connectio",
    ];
    const headers = Object.fromEntries([...hop, ...kept].map((name) => [name, "v"]));
    expect(Object.keys(upstreamHeaders(headers, [], null)).sort()).toEqual([...kept].sort());
    const upper = Object.fromEntries([...hop, ...kept].map((name) => [name.toUpperCase(), "v"]));
    expect(Object.keys(clientHeaders(upper)).sort()).toEqual(kept.map((name) => name.toUpperCase()).sort());
  });
});
