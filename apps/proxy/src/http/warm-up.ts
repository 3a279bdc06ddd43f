/**
 * Runs the forwarding path once when the proxy starts listening, so its first real forward
 * (right after a model turned healthy, with a request waiting) does not pay V8's lazy
 * compilation and undici's first-connection set-up. undici compiles its HTTP parser
 * (WebAssembly) on a process's first connection, synchronously: without any warm-up the
 * first request forwarded after a model became ready spent 8-20 ms more between "healthy"
 * and reaching the model (bench:swap, first row of each scenario) than every later one; with
 * only undici warmed, `forward` itself (headers, handler, pool dispatch) still cost ~0.5 ms
 * more on that first request.
 *
 * How: a throwaway loopback server whose one request is passed through `forward` to the
 * proxy's own `/health`, over an `UpstreamPools` pool whose connection is a spare opened by
 * `preconnect`: the same code a granted request runs. Errors are ignored: the warm-up only
 * moves a cost, it is never needed for correctness. Nothing outlives the call.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ClientGone } from "../requests/client-gone.ts";
import { forward } from "./forward.ts";
import { UpstreamPools } from "./upstream-pools.ts";

const LIMIT_MS = 2_000;

export async function warmUpForwarding(url: string): Promise<void> {
  const pools = new UpstreamPools();
  const hop = createServer((req, res) => {
    req.resume();
    const request = {
      upstream: url,
      model: "warm-up",
      method: "GET",
      path: "/health",
      headers: req.headers,
      body: null,
      dropHeaders: [],
      headersTimeoutMs: LIMIT_MS,
      connectTimeoutMs: LIMIT_MS,
      client: new ClientGone(),
      headSent: false,
    };
    forward(pools, request, res).catch(() => res.destroy());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      hop.once("error", reject);
      hop.listen(0, "127.0.0.1", resolve);
    });
    pools.preconnect(new URL(url).origin, LIMIT_MS);
    const hopOrigin = `http://127.0.0.1:${(hop.address() as AddressInfo).port}`;
    const res = await pools.get(hopOrigin).request({ method: "GET", path: "/", headersTimeout: LIMIT_MS });
    await res.body.dump();
  } catch {
    // Nothing to do: the first real forward pays the cost instead.
  } finally {
    await pools.closeAll();
    hop.closeAllConnections();
    await new Promise<void>((resolve) => hop.close(() => resolve()));
  }
}
