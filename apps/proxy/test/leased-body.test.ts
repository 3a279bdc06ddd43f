import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { Client } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { LEASE_FROM_BYTES, type LeasedBody } from "../src/body/leased-body.ts";
import { leasedBody } from "./leased-fixture.ts";

// More than the loopback socket buffers of both ends can hold, so the write is still
// pending while the server does not read.
const SIZE = 32 * 1024 * 1024;

const leased = () => leasedBody(SIZE);

let server: Server | null = null;
let client: Client | null = null;
afterEach(async () => {
  await client?.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = client = null;
});

async function listen(onRequest: (req: IncomingMessage) => void): Promise<string> {
  server = createServer((req, res) => {
    onRequest(req);
    const hash = createHash("sha256");
    req.on("data", (chunk: Buffer) => hash.update(chunk));
    req.on("end", () => res.end(hash.digest("hex")));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** POSTs the leased body through an undici Client, as the proxy's forward does. */
function post(origin: string, body: LeasedBody) {
  client = new Client(origin);
  return client.request({
    method: "POST",
    path: "/",
    headers: { "content-length": String(SIZE) },
    // undici takes async iterables (documented; its types leave them out).
    body: body.chunks() as unknown as Readable,
  });
}

describe("leased body", () => {
  it("leased body: the slab goes back only after undici's write drained, so overwriting it then cannot change what was sent", async () => {
    expect(SIZE).toBeGreaterThan(LEASE_FROM_BYTES);
    const { body, digest, released } = leased();
    let releasedYet = false;
    void released.then(() => {
      releasedYet = true;
    });
    let arrived!: (req: IncomingMessage) => void;
    const request = new Promise<IncomingMessage>((resolve) => {
      arrived = resolve;
    });
    // The server reads nothing until the test has looked at the lease.
    const origin = await listen((req) => {
      req.pause();
      arrived(req);
    });
    const answer = post(origin, body);
    const req = await request;
    expect(releasedYet, "released while the write was still pending").toBe(false);
    req.resume();
    const res = await answer;
    expect(await res.body.text(), "the server got the bytes as they were, not the overwrite").toBe(digest);
    await released;
  });

  it("leased body: a connection cut mid-body still gives the slab back", async () => {
    const { body, released } = leased();
    const origin = await listen((req) => {
      req.once("data", () => req.socket.destroy());
    });
    const answer = post(origin, body);
    await expect(answer).rejects.toThrow();
    await released;
  });
});
