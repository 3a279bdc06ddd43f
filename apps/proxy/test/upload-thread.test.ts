/**
 * The upload thread (http/upload-thread.ts + upload-sender.ts + upload.worker.ts): a large
 * body goes upstream from its shared slab, the answer comes back to an undici dispatch
 * handler as undici would drive it, an abort reaches the upstream request, and no slab is
 * kept (or given back early) on any path, including a thread that dies.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MessageChannel } from "node:worker_threads";
import type { Dispatcher } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FromUploadThread, ToUploadThread } from "../src/http/upload-messages.ts";
import { UploadSender } from "../src/http/upload-sender.ts";
import { type OpenUploadChannel, type UploadRequest, UploadThread } from "../src/http/upload-thread.ts";
import { leasedBody } from "./leased-fixture.ts";

const SIZE = 8 * 1024 * 1024;

const leased = (size = SIZE) => leasedBody(size);

/** What a handler saw, in order, and a promise for the end of the answer. */
function recorder(onData?: (controller: Dispatcher.DispatchController) => void) {
  const seen: string[] = [];
  const chunks: Buffer[] = [];
  let status = 0;
  let headers: Record<string, unknown> = {};
  let settle!: (how: string) => void;
  const over = new Promise<string>((resolve) => {
    settle = resolve;
  });
  const handler: Dispatcher.DispatchHandler = {
    onRequestStart: () => seen.push("requestStart"),
    onResponseStart: (_c, s, h) => {
      seen.push("responseStart");
      status = s;
      headers = h as Record<string, unknown>;
    },
    onResponseData: (c, chunk) => {
      if (seen.at(-1) !== "data") seen.push("data");
      chunks.push(chunk);
      onData?.(c);
    },
    onResponseEnd: () => {
      seen.push("end");
      settle("end");
    },
    onResponseError: (_c, err) => {
      seen.push("error");
      settle(`error: ${err.message}`);
    },
  };
  return {
    handler,
    seen,
    over,
    text: () => Buffer.concat(chunks).toString(),
    status: () => status,
    headers: () => headers,
  };
}

let server: Server | null = null;
let thread: UploadThread | null = null;
afterEach(async () => {
  await thread?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = thread = null;
});

/** A server whose handler gets the request's body digest once it has all of it. */
async function listen(
  answer: (req: IncomingMessage, res: ServerResponse, digest: string) => void,
): Promise<string> {
  server = createServer((req, res) => {
    const hash = createHash("sha256");
    req.on("data", (chunk: Buffer) => hash.update(chunk));
    req.on("end", () => answer(req, res, hash.digest("hex")));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function request(origin: string, length: number): UploadRequest {
  return {
    origin,
    connectTimeoutMs: 0,
    method: "POST",
    path: "/v1/chat/completions",
    headers: { "content-type": "application/json", "content-length": String(length) },
    headersTimeoutMs: 0,
  };
}

/** The thread's side run in this thread, over a real MessageChannel. */
const inProcess: OpenUploadChannel = (onMessage) => {
  const { port1, port2 } = new MessageChannel();
  const sender = new UploadSender((m, transfer) => port2.postMessage(m, transfer ?? []));
  port2.on("message", (m: ToUploadThread) => sender.handle(m));
  port1.on("message", onMessage);
  return {
    post: (m) => port1.postMessage(m),
    close: async () => {
      await sender.close();
      port1.close();
    },
  };
};

describe.each([
  ["in-process", inProcess],
  ["worker thread", undefined],
] as const)("upload thread (%s)", (_name, open) => {
  it("sends the slab's bytes and drives the handler with the answer in undici's order; the slab comes back once", async () => {
    const origin = await listen((_req, res, digest) => {
      res.writeHead(201, { "x-digest": digest });
      res.write("one,");
      res.write("two,");
      res.end("three");
    });
    thread = new UploadThread(open);
    const { body, digest, released, gives } = leased();
    const r = recorder();

    thread.dispatch(request(origin, SIZE), body, r.handler);

    expect(await r.over).toBe("end");
    expect(r.status()).toBe(201);
    expect(r.headers()["x-digest"], "the upstream got other bytes than the slab's").toBe(digest);
    expect(r.text()).toBe("one,two,three");
    expect(r.seen).toEqual(["requestStart", "responseStart", "data", "end"]);
    await released;
    expect(gives()).toBe(1);
    expect(thread.inFlight).toBe(0);
    expect(thread.lentSlabs).toBe(0);
  });

  it("an abort closes the upstream request, the handler gets the error, and the slab comes back", async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      upstreamClosed = resolve;
    });
    const origin = await listen((_req, res) => {
      res.on("close", upstreamClosed);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n"); // and never more: only the abort ends it
    });
    thread = new UploadThread(open);
    const { body, released } = leased();
    const r = recorder((controller) => controller.abort(new Error("client left")));

    thread.dispatch(request(origin, SIZE), body, r.handler);

    expect(await r.over).toBe("error: client left");
    await closed;
    await released;
    expect(thread.inFlight).toBe(0);
  });

  it("a refused connection fails the request before any answer, and the slab comes back", async () => {
    // A port that was listening and is closed again: nothing accepts there now.
    const origin = await listen(() => {});
    await new Promise((resolve) => server?.close(resolve));
    server = null;
    thread = new UploadThread(open);
    const { body, released } = leased();
    const r = recorder();

    thread.dispatch(request(origin, SIZE), body, r.handler);

    expect(await r.over).toMatch(/^error: .*ECONNREFUSED/);
    expect(r.seen).toEqual(["requestStart", "error"]);
    await released;
    expect([thread.inFlight, thread.lentSlabs]).toEqual([0, 0]);
  });

  it("closing the thread fails the requests it holds and gives their slabs back", async () => {
    let answered!: () => void;
    const headSent = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const origin = await listen((_req, res) => {
      res.writeHead(200);
      res.write("partial");
      answered();
    });
    thread = new UploadThread(open);
    const { body, released } = leased();
    const r = recorder();
    thread.dispatch(request(origin, SIZE), body, r.handler);
    await headSent;

    await thread.close();

    expect(await r.over).toMatch(/^error: /);
    await released;
    expect(thread.lentSlabs).toBe(0);
  });
});

describe("upload thread faults", () => {
  /** A channel that records what it is sent and lets the test kill the "thread". */
  function fakeChannel() {
    const sent: ToUploadThread[] = [];
    let opened = 0;
    let closed = 0;
    let kill: (reason: Error) => void = () => {};
    let deliver: (m: FromUploadThread) => void = () => {};
    const open: OpenUploadChannel = (onMessage, onGone) => {
      opened++;
      kill = onGone;
      deliver = onMessage;
      return {
        post: (m) => sent.push(m),
        close: async () => {
          closed++;
        },
      };
    };
    return {
      open,
      sent,
      opened: () => opened,
      closed: () => closed,
      kill: (e: Error) => kill(e),
      deliver: (m: FromUploadThread) => deliver(m),
    };
  }

  it("a thread that dies fails every request it held and gives back every slab; the next body opens a new one", async () => {
    const channel = fakeChannel();
    thread = new UploadThread(channel.open);
    const a = leased(1024);
    const b = leased(1024);
    const ra = recorder();
    const rb = recorder();
    thread.dispatch(request("http://127.0.0.1:9", 1024), a.body, ra.handler);
    thread.dispatch(request("http://127.0.0.1:9", 1024), b.body, rb.handler);
    // a was answered and is over, but the thread still reads its slab (no `released` yet).
    channel.deliver({ t: "start", id: 1, status: 200, headers: {} });
    channel.deliver({ t: "end", id: 1 });
    expect(await ra.over).toBe("end");
    expect(a.gives()).toBe(0);

    channel.kill(new Error("upload thread exited with code 1"));

    expect(await rb.over).toBe("error: upload thread exited with code 1");
    expect([a.gives(), b.gives()]).toEqual([1, 1]);
    expect([thread.inFlight, thread.lentSlabs]).toEqual([0, 0]);
    const c = leased(1024);
    thread.dispatch(request("http://127.0.0.1:9", 1024), c.body, recorder().handler);
    expect(channel.opened()).toBe(2);
  });

  it("a late `released` or answer for a request already failed is ignored, and a slab is given back once", async () => {
    const channel = fakeChannel();
    thread = new UploadThread(channel.open);
    const a = leased(1024);
    const r = recorder();
    thread.dispatch(request("http://127.0.0.1:9", 1024), a.body, r.handler);
    channel.deliver({ t: "error", id: 1, message: "connect ECONNREFUSED" });
    channel.deliver({ t: "released", id: 1 });
    channel.deliver({ t: "released", id: 1 });
    channel.deliver({ t: "data", id: 1, chunk: new ArrayBuffer(4) });

    expect(await r.over).toBe("error: connect ECONNREFUSED");
    expect(r.seen).toEqual(["requestStart", "error"]);
    expect(a.gives()).toBe(1);
  });

  it("a body released unsent (its request was cancelled) is not sent", async () => {
    const channel = fakeChannel();
    thread = new UploadThread(channel.open);
    const a = leased(1024);
    a.body.releaseUnsent();
    const r = recorder();

    thread.dispatch(request("http://127.0.0.1:9", 1024), a.body, r.handler);

    expect(await r.over).toMatch(/released before it was sent/);
    expect(channel.sent.filter((m) => m.t === "send")).toEqual([]);
    expect(a.gives()).toBe(1);
  });

  it("an idle thread is ended after idleMs, not while a slab is still lent; the next body opens a new one", async () => {
    vi.useFakeTimers();
    try {
      const channel = fakeChannel();
      thread = new UploadThread(channel.open, 1_000);
      const a = leased(1024);
      const r = recorder();
      thread.dispatch(request("http://127.0.0.1:9", 1024), a.body, r.handler);
      channel.deliver({ t: "start", id: 1, status: 200, headers: {} });
      channel.deliver({ t: "end", id: 1 });
      expect(await r.over).toBe("end");

      vi.advanceTimersByTime(5_000);
      expect(channel.closed(), "closed while the thread still reads a slab").toBe(0);
      channel.deliver({ t: "released", id: 1 });
      vi.advanceTimersByTime(999);
      expect(thread.running).toBe(true);
      vi.advanceTimersByTime(1);
      expect([thread.running, channel.closed()]).toEqual([false, 1]);

      thread.dispatch(request("http://127.0.0.1:9", 1024), leased(1024).body, recorder().handler);
      expect([thread.running, channel.opened()]).toEqual([true, 2]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("prepare() starts the thread ahead of the body, which then uses it; unused, it ends after idleMs", async () => {
    vi.useFakeTimers();
    try {
      const channel = fakeChannel();
      thread = new UploadThread(channel.open, 1_000);
      thread.prepare();
      thread.prepare();
      expect([thread.running, channel.opened()]).toEqual([true, 1]);
      thread.dispatch(request("http://127.0.0.1:9", 1024), leased(1024).body, recorder().handler);
      expect(channel.opened()).toBe(1);
      expect(channel.sent.map((m) => m.t)).toEqual(["send"]);

      const idle = new UploadThread(channel.open, 1_000);
      idle.prepare();
      vi.advanceTimersByTime(1_000);
      expect(idle.running, "a prepared thread no body used must still end").toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
