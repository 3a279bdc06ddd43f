/**
 * Free loopback ports for children that take a port on their command line (fake upstreams,
 * nginx, demo models). A port is free when picked; another process may bind it before the
 * caller does, which the demo, the benches and the supervisor tests accept. (The e2e suite,
 * which runs many proxies at once, picks from below the ephemeral range instead.)
 */
import { createServer, type Server } from "node:net";

function listenOnZero(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no port assigned"));
      else resolve(address.port);
    });
  });
}

/** `count` distinct free ports: all are held at once while picking, so they differ. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map(listenOnZero));
  } finally {
    await Promise.all(
      servers.map(
        (s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve())),
      ),
    );
  }
}

/** One free port. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}
