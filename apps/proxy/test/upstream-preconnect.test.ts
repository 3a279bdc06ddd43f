/**
 * The proxy in-process (startProxy, real run loop and core, real HTTP on 127.0.0.1) with a
 * scripted supervisor: the test plays the model process's events, and the "model" is a
 * node:http server in this process that counts the connections it accepts. Checks that the
 * connection opened when the server first answers carries the first request, and that none
 * is left open once the process is gone. Gates are events and responses, never sleeps.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { parseConfigText } from "@hotswap/config";
import { pino } from "pino";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { type ProxyHandle, startProxy } from "../src/app.ts";
import type { SupervisorLike } from "../src/effects/context.ts";
import type { ProcessSpec, SupervisorEvent } from "../src/workers/supervisor-messages.ts";

interface ModelServer {
  readonly port: number;
  readonly sockets: Socket[];
  accepted(n: number): Promise<Socket>;
  close(): Promise<void>;
}

async function modelServer(): Promise<ModelServer> {
  const sockets: Socket[] = [];
  const waiters: Array<{ n: number; resolve: (s: Socket) => void }> = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id":"x","object":"chat.completion","choices":[]}');
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.push(socket);
    for (const w of waiters.filter((x) => x.n === sockets.length)) w.resolve(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    accepted: (n) =>
      sockets[n - 1]
        ? Promise.resolve(sockets[n - 1] as Socket)
        : new Promise((r) => waiters.push({ n, resolve: r })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A supervisor whose process events the test sends; `started` resolves with each start's spec. */
function scriptedSupervisor() {
  let emit: (event: SupervisorEvent) => void = () => {};
  const starts: Array<(spec: ProcessSpec) => void> = [];
  const specs: ProcessSpec[] = [];
  const supervisor = (onEvent: (event: SupervisorEvent) => void): SupervisorLike => {
    emit = onEvent;
    const stop = async (model: string, instance: number): Promise<void> => {
      onEvent({ model, instance, type: "stopped", at: Date.now() });
    };
    return {
      async start(spec) {
        specs.push(spec);
        for (const s of starts.splice(0)) s(spec);
      },
      stop,
      async stopAll() {
        await Promise.all(specs.map((s) => stop(s.model, s.instance)));
      },
      async close() {},
    };
  };
  return {
    supervisor,
    emit: (event: SupervisorEvent) => emit(event),
    started: (): Promise<ProcessSpec> =>
      specs.length > 0 ? Promise.resolve(specs[0] as ProcessSpec) : new Promise((r) => starts.push(r)),
  };
}

let proxy: ProxyHandle | null = null;
let server: ModelServer | null = null;
afterEach(async () => {
  await proxy?.close({ force: true });
  await server?.close();
  proxy = null;
  server = null;
});

/**
 * The model server, a proxy with a scripted supervisor, and one chat request for model `m`
 * whose start has reached `spawned` and then `answering` (the server answers, not ready).
 */
async function startedAndAnswering() {
  const srv = await modelServer();
  server = srv;
  const { config } = parseConfigText(
    ["models:", "  m:", "    cmd: never-run", `    proxy: http://127.0.0.1:${srv.port}`].join("\n"),
    { path: "preconnect-test.yaml" },
  );
  const script = scriptedSupervisor();
  const running = await startProxy({
    config,
    logger: pino({ level: "silent" }),
    createSupervisor: script.supervisor,
  });
  proxy = running;
  const answer = request(`${running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
  });
  const spec = await script.started();
  const base = { model: "m", instance: spec.instance };
  script.emit({ ...base, type: "spawned", pid: 1, at: Date.now() });
  script.emit({ ...base, type: "answering", at: Date.now() });
  return { script, base, answer, srv, running };
}

describe("upstream preconnect", () => {
  it("the connection opened when the model first answers carries its first request; none is left after it stops", async () => {
    const { script, base, answer, srv, running } = await startedAndAnswering();
    // Opened before the model is ready, before any request could be forwarded.
    const spare = await srv.accepted(1);
    script.emit({ ...base, type: "ready", at: Date.now() });
    const res = await answer;
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toContain("chat.completion");
    expect(srv.sockets).toEqual([spare]);
    // Stopping the model drops its pool: the connection is closed.
    const closed = new Promise<void>((resolve) => spare.once("close", () => resolve()));
    await running.close();
    proxy = null;
    await closed;
  });

  it("a connection opened for a model whose start then fails is closed; the request gets the failure", async () => {
    const { script, base, answer, srv } = await startedAndAnswering();
    const spare = await srv.accepted(1);
    const closed = new Promise<void>((resolve) => spare.once("close", () => resolve()));
    script.emit({
      ...base,
      type: "startFailed",
      code: "HEALTH_TIMEOUT",
      message: "slow",
      lastLines: [],
      at: 0,
    });
    const res = await answer;
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    await res.body.dump();
    await closed;
    expect(srv.sockets).toEqual([spare]);
  });
});
