/**
 * readBody's outcomes, each exactly once: the body's chunks, a body too large (declared or
 * grown past the limit), or a client gone mid-body. Real node:http server and raw client
 * sockets on 127.0.0.1; each test gates on the callback it expects.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BodyTooLargeError } from "../src/http/errors.ts";
import { type BodyParts, readBody } from "../src/http/read-body.ts";

type Outcome = { body: BodyParts } | { error: Error };

/** A server that reads each request's body with `limit` and reports every callback. */
async function reader(limit: number) {
  const outcomes: Outcome[] = [];
  let first!: (o: Outcome) => void;
  const settled = new Promise<Outcome>((resolve) => {
    first = resolve;
  });
  const server = createServer((req, res) => {
    readBody(
      req,
      limit,
      (body) => {
        outcomes.push({ body });
        first({ body });
        res.end("ok");
      },
      (error) => {
        outcomes.push({ error });
        first({ error });
        if (!res.destroyed) res.end("failed");
        req.resume();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, outcomes, settled };
}

/** Writes `text` on a fresh connection; `destroy` cuts it right after. */
function send(port: number, text: string, destroy: boolean): void {
  const socket = connect(port, "127.0.0.1", () => {
    socket.write(text);
    if (destroy) socket.destroy();
  });
  socket.on("error", () => {});
  socket.on("data", () => socket.end());
}

describe("readBody", () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });

  it("readBody: a body arrives as its chunks, with its size", async () => {
    const r = await reader(1000);
    server = r.server;
    send(r.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n{"model":"m"}', false);
    const outcome = await r.settled;
    expect("body" in outcome && outcome.body.size).toBe(13);
    expect("body" in outcome && outcome.body.bytes().toString()).toBe('{"model":"m"}');
    expect(r.outcomes).toHaveLength(1);
  });

  it("readBody: a declared length past the limit fails at once with BodyTooLargeError", async () => {
    const r = await reader(10);
    server = r.server;
    send(r.port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", false);
    const outcome = await r.settled;
    expect("error" in outcome && outcome.error).toBeInstanceOf(BodyTooLargeError);
    expect(r.outcomes).toHaveLength(1);
  });

  it("readBody: a chunked body that grows past the limit fails with BodyTooLargeError", async () => {
    const r = await reader(10);
    server = r.server;
    const chunk = "0123456789abcdef";
    send(
      r.port,
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n${chunk}\r\n0\r\n\r\n`,
      false,
    );
    const outcome = await r.settled;
    expect("error" in outcome && outcome.error).toBeInstanceOf(BodyTooLargeError);
    expect(r.outcomes).toHaveLength(1);
  });

  it("readBody: a client that leaves before the body ended fails the read", async () => {
    const r = await reader(1000);
    server = r.server;
    send(r.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"model"', true);
    const outcome = await r.settled;
    // node:http reports the cut as an 'error' ("aborted") before 'close': either fails it.
    expect("error" in outcome && outcome.error).toBeInstanceOf(Error);
    expect("error" in outcome && outcome.error).not.toBeInstanceOf(BodyTooLargeError);
    expect(r.outcomes).toHaveLength(1);
  });
});
