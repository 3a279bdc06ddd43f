/**
 * A request whose client left before it reached admission (while its large body was in the
 * rewrite pool, say) is not admitted: its 'close' already fired, so without the check it
 * would be granted, forwarded and hold a model slot for nobody. Real node:http server and a
 * real client socket; the gate is the response's 'close' event.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { parseConfigText } from "@hotswap/config";
import type { Event } from "@hotswap/core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { HttpError } from "../src/http/errors.ts";
import { serveModelRequest } from "../src/http/model-request.ts";
import { UpstreamPools } from "../src/http/upstream-pools.ts";
import { ProcessTable } from "../src/process-table.ts";
import { TicketRegistry } from "../src/requests/ticket.ts";

describe("model request", () => {
  it("model request: a client gone before admission is not admitted (no requestArrived, no ticket left)", async () => {
    const { config } = parseConfigText(["models:", "  m:", "    cmd: never-run"].join("\n"), {
      path: "gone-test.yaml",
    });
    const events: Event[] = [];
    const tickets = new TicketRegistry();
    const deps = {
      dispatch: (event: Event) => {
        events.push(event);
        // Stands in for the core answering at once, so an admitted request ends here too.
        if (event.type === "requestArrived")
          tickets.get(event.id)?.reject(new HttpError(503, "x", "server_error", "x"));
      },
      now: () => 0,
      config: () => config,
      tickets,
      pools: new UpstreamPools(),
      processes: new ProcessTable(),
      logger: pino({ level: "silent" }),
      dropHeaders: () => [],
    };
    let closed!: (pair: { req: IncomingMessage; res: ServerResponse }) => void;
    const gone = new Promise<{ req: IncomingMessage; res: ServerResponse }>((resolve) => {
      closed = resolve;
    });
    const server = createServer((req, res) => {
      req.resume();
      // Held, as the rewrite pool holds a large body, until the client has left.
      res.once("close", () => closed({ req, res }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1", () => {
        socket.end(
          'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n{"model":"m"}',
        );
        socket.destroy();
      });
      const { req, res } = await gone;
      await serveModelRequest(deps, req, res, {
        model: "m",
        requested: "m",
        stream: false,
        body: Buffer.from('{"model":"m"}'),
        path: "/v1/chat/completions",
      });
      expect(events).toEqual([]);
      expect(tickets.size).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
