/**
 * The overhead bench's lowest floor: a proxy process that does no HTTP work at all. Each
 * client connection gets its own upstream connection and the bytes are piped both ways, so
 * the process pays only for the two extra socket hops (reads, writes, wake-ups) that any
 * proxy in the path pays. What a real proxy costs above this row is its HTTP work; what this
 * row costs above direct is what no proxy on this machine can avoid.
 *
 * `node tcp-relay.ts UPSTREAM_URL` prints `listening on 127.0.0.1:PORT`.
 */
import { type AddressInfo, connect, createServer, type Socket } from "node:net";

const target = process.argv[2];
if (target === undefined) throw new Error("usage: tcp-relay.ts UPSTREAM_URL");
const upstream = new URL(target);

/** Either side closing or failing ends both: a half-open pair would hold a socket forever. */
function tie(a: Socket, b: Socket): void {
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on("error", end).on("close", end);
  b.on("error", end).on("close", end);
}

const server = createServer({ noDelay: true }, (client) => {
  const up = connect({ host: upstream.hostname, port: Number(upstream.port), noDelay: true });
  tie(client, up);
  // pipe(): backpressure both ways, as a real relay needs for large answers.
  client.pipe(up);
  up.pipe(client);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => process.exit(0));
