/**
 * Free TCP ports on 127.0.0.1 for fake upstreams, checked by binding them at run time.
 *
 * Why not simply listen on port 0: a port read from `listen(0)` and released is back in the
 * kernel's ephemeral pool, and a proxy started by a concurrent test (which does listen on 0)
 * can be handed it before our fake binds it. The proxy then health-checks the *other* proxy,
 * gets 200 from its /health, and forwards there (seen once as a 404 "model not found").
 * So candidates come from below the ephemeral range, which listen(0) and outgoing
 * connections never use, starting at a random offset and stepping through a counter so
 * that tests in one worker never collide; each candidate is bound once to prove it is free.
 * If the range cannot be read or leaves too little room, listen(0) is the fallback.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";

const LOWEST = 10_000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) ? n : 0;
  } catch {
    return 0;
  }
}

const HIGHEST = ephemeralLow() - 1;
const SPAN = HIGHEST - LOWEST + 1;
let cursor = Math.floor(Math.random() * Math.max(SPAN, 1));

function listenOn(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(null));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function viaListenZero(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listenOn(0)));
  const ports = servers.map((s) => {
    const address = s?.address();
    if (!address || typeof address === "string") throw new Error("no TCP address");
    return address.port;
  });
  await Promise.all(servers.map((s) => (s ? close(s) : undefined)));
  return ports;
}

/** `count` distinct ports that were free when checked, outside the ephemeral range if possible. */
export async function freePorts(count: number): Promise<number[]> {
  if (SPAN < 1000) return viaListenZero(count);
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > 1000) throw new Error("no free port below the ephemeral range");
    const candidate = LOWEST + (cursor++ % SPAN);
    const server = await listenOn(candidate);
    if (server === null) continue;
    await close(server);
    ports.push(candidate);
  }
  return ports;
}

/**
 * `count` consecutive free ports (for configs that let `startPort` and `${PORT}` number
 * the models), from the same range and with the same check as `freePorts`.
 */
export async function freePortBlock(count: number): Promise<number> {
  if (SPAN < 1000) throw new Error("no room below the ephemeral range for a block of ports");
  for (let tries = 0; tries < 200; tries++) {
    cursor += count;
    const first = LOWEST + (cursor % (SPAN - count));
    const servers: Server[] = [];
    for (let i = 0; i < count; i++) {
      const server = await listenOn(first + i);
      if (server === null) break;
      servers.push(server);
    }
    await Promise.all(servers.map(close));
    if (servers.length === count) return first;
  }
  throw new Error(`no block of ${count} free ports`);
}
