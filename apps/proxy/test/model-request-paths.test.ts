/**
 * The two ways an admitted request reaches its forward (model-request.ts): granted inside
 * its own requestArrived dispatch (the fast path: no promise, the forward's end arrives
 * through the ForwardHandler's listener) or granted later (the slow path: it awaits its
 * ticket). Each must forward once, report serveFinished once and call `done` once. Real
 * node:http servers on 127.0.0.1 and a real undici pool; the late grant is gated on the
 * requestArrived event, not on time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseConfigText } from "@hotswap/config";
import type { Event } from "@hotswap/core";
import { pino } from "pino";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { HttpError } from "../src/http/errors.ts";
import { startForward } from "../src/http/forward.ts";
import type { ForwardHandler, ForwardOutcome } from "../src/http/forward-handler.ts";
import { startModelRequest } from "../src/http/model-request.ts";
import { UpstreamPools } from "../src/http/upstream-pools.ts";
import { ProcessTable } from "../src/process-table.ts";
import { ClientGone } from "../src/requests/client-gone.ts";
import { TicketRegistry } from "../src/requests/ticket.ts";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

type Grant = "inDispatch" | "later";

/** A proxy front whose core stand-in grants each request as `grant` says. */
async function harness(grant: Grant) {
  let upstreamHits = 0;
  const upstream = createServer((req, res) => {
    upstreamHits += 1;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"answer":"ok"}');
    });
  });
  const upstreamUrl = await listen(upstream);
  const { config } = parseConfigText(
    ["models:", "  m:", "    cmd: never-run", `    proxy: ${upstreamUrl}`].join("\n"),
    { path: "paths-test.yaml" },
  );
  const events: Event[] = [];
  const tickets = new TicketRegistry();
  let arrived!: (id: string) => void;
  const arrival = new Promise<string>((resolve) => {
    arrived = resolve;
  });
  const pools = new UpstreamPools();
  const deps = {
    dispatch: (event: Event) => {
      events.push(event);
      if (event.type !== "requestArrived") return;
      if (grant === "inDispatch") tickets.get(event.id)?.grant({ model: "m", instance: 1 });
      arrived(event.id);
    },
    now: () => 0,
    config: () => config,
    tickets,
    pools,
    processes: new ProcessTable(),
    logger: pino({ level: "silent" }),
    dropHeaders: () => [],
  };
  let doneCalls = 0;
  let finished!: () => void;
  const over = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const front = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const body = Buffer.from('{"model":"m"}');
    const mr = { model: "m", requested: "m", stream: false, body, path: "/v1/chat/completions" };
    startModelRequest(deps, req, res, mr, () => {
      doneCalls += 1;
      finished();
    });
  });
  const frontUrl = await listen(front);
  return {
    frontUrl,
    events,
    tickets,
    arrival,
    over,
    doneCalls: () => doneCalls,
    upstreamHits: () => upstreamHits,
    async stop() {
      await pools.closeAll();
      await close(front);
      await close(upstream);
    },
  };
}

describe("model request paths", () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  for (const grant of ["inDispatch", "later"] as const) {
    it(`model request: a request granted ${grant === "inDispatch" ? "in its arrival's dispatch" : "after it waited"} is forwarded once, finishes once and calls done once`, async () => {
      const h = await harness(grant);
      stop = h.stop;
      const answer = request(`${h.frontUrl}/v1/chat/completions`, { method: "POST", body: '{"model":"m"}' });
      const id = await h.arrival;
      if (grant === "later") {
        // Still waiting: nothing forwarded or delivered yet.
        expect(h.tickets.get(id)?.state).toBe("waiting");
        expect(h.upstreamHits()).toBe(0);
        h.tickets.get(id)?.grant({ model: "m", instance: 1 });
      }
      const res = await answer;
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('{"answer":"ok"}');
      await h.over;
      expect(h.upstreamHits()).toBe(1);
      expect(h.doneCalls()).toBe(1);
      expect(h.events.map((e) => e.type)).toEqual(["requestArrived", "grantDelivered", "serveFinished"]);
      expect(h.tickets.size).toBe(0);
    });
  }

  it("model request: a waiting request that is rejected is answered with the error and calls done once", async () => {
    const h = await harness("later");
    stop = h.stop;
    const answer = request(`${h.frontUrl}/v1/chat/completions`, { method: "POST", body: '{"model":"m"}' });
    const id = await h.arrival;
    h.tickets.get(id)?.reject(new HttpError(503, "queue_full", "server_error", "full"));
    const res = await answer;
    expect(res.statusCode).toBe(503);
    await res.body.text();
    await h.over;
    expect(h.upstreamHits()).toBe(0);
    expect(h.doneCalls()).toBe(1);
    expect(h.events.map((e) => e.type)).toEqual(["requestArrived"]);
  });

  it("forward: the handler's listener is told the outcome once, and done read afterwards resolves with it", async () => {
    const upstream = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.end("hi"));
    });
    const upstreamUrl = await listen(upstream);
    const pools = new UpstreamPools();
    const told: ForwardOutcome[] = [];
    let handlerDone!: (h: ForwardHandler) => void;
    const ended = new Promise<ForwardHandler>((resolve) => {
      handlerDone = resolve;
    });
    const front = createServer((req, res) => {
      req.resume();
      startForward(
        pools,
        {
          upstream: upstreamUrl,
          model: "m",
          method: "POST",
          path: "/x",
          headers: req.headers,
          body: Buffer.from("{}"),
          dropHeaders: [],
          headersTimeoutMs: 0,
          connectTimeoutMs: 0,
          client: new ClientGone(),
          headSent: false,
        },
        res,
        {
          forwarded(handler, outcome) {
            told.push(outcome);
            handlerDone(handler);
          },
        },
      );
    });
    const frontUrl = await listen(front);
    stop = async () => {
      await pools.closeAll();
      await close(front);
      await close(upstream);
    };
    const res = await request(`${frontUrl}/x`, { method: "POST", body: "{}" });
    expect(await res.body.text()).toBe("hi");
    const handler = await ended;
    expect(await handler.done).toBe("served");
    expect(told).toEqual(["served"]);
  });
});
