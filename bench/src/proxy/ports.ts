/** Free loopback ports for children that need a port on their command line (nginx, upstreams). */
import { createServer } from "node:net";

/**
 * Resolves with a port that was free a moment ago (bound to 127.0.0.1:0, then released).
 * Another process may take it before the caller binds it; benches accept that small race.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
