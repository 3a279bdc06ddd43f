/**
 * One request through undici to the proxy's own `/health`, once it listens. undici compiles
 * its HTTP parser (WebAssembly) on a process's first connection, synchronously, and the
 * forwarding path's code is still cold then: without this, the first request forwarded
 * after a model became ready spent 8-20 ms more between "healthy" and reaching the model
 * (bench:swap, first row of each scenario) than every later one. Errors are ignored: the
 * warm-up only moves a cost, it is never needed for correctness.
 */
import { Client } from "undici";

export async function warmUpForwarding(url: string): Promise<void> {
  const client = new Client(url);
  try {
    const res = await client.request({ method: "GET", path: "/health", headersTimeout: 2_000 });
    await res.body.dump();
  } catch {
    // Nothing to do: the first real forward pays the cost instead.
  } finally {
    await client.close().catch(() => {});
  }
}
