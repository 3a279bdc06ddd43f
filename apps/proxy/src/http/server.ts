/** The node:http server: keep-alive on, bound to one address, closed in two steps. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface HttpServer {
  readonly server: Server;
  /** Where it listens, port resolved (for --listen HOST:0). */
  readonly address: ListenAddress;
  /** Stops accepting connections and closes idle ones; resolves when all connections ended. */
  close(): Promise<void>;
  /** Cuts every remaining connection. */
  closeAll(): void;
}

/** Parses "HOST:PORT" (IPv6 as "[::1]:8080"). */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--listen wants HOST:PORT, got "${text}"`);
  }
  return { host: match[1] ?? (match[2] || "127.0.0.1"), port };
}

export function formatUrl(address: ListenAddress): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}

export async function startHttpServer(
  listen: ListenAddress,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpServer> {
  const server = createServer({ keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 0 }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  return {
    server,
    address: { host: listen.host, port: bound.port },
    close() {
      if (server.listening) server.close();
      server.closeIdleConnections();
      return closed;
    },
    closeAll() {
      server.closeAllConnections();
    },
  };
}
