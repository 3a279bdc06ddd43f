/**
 * Polls a health URL until it answers 200. Polls every 5 ms for the first 5 s (most
 * servers, and every warm one, are up by then, and readiness should be noticed at once),
 * then backs off by 1.5x up to 25 ms: a loopback GET costs ~0.1 ms of the supervisor
 * thread, so even a silent model that loads for minutes is noticed within 25 ms. A `Nudge`
 * cuts the current wait short: the host nudges on every output line, because servers log
 * when they start listening or finish loading, so the check runs right when readiness is
 * likely.
 */
import { request } from "node:http";

const FAST_PHASE_MS = 5_000;
const FAST_INTERVAL_MS = 5;
const MAX_INTERVAL_MS = 25;
/** A single attempt may not hang longer than this (a server that accepts but never answers). */
const ATTEMPT_LIMIT_MS = 2_000;

export type HealthOutcome = "healthy" | "timeout" | "aborted";

/**
 * Wakes a waiting poll loop early. A nudge during a wait ends it at once; a nudge while an
 * attempt is running shortens the next wait to the fast interval (so a burst of output costs
 * at most one check per 5 ms).
 */
export class Nudge {
  #wake: (() => void) | null = null;
  #pending = false;

  nudge(): void {
    const wake = this.#wake;
    if (wake === null) {
      this.#pending = true;
      return;
    }
    this.#wake = null;
    wake();
  }

  /** Resolves after `ms` (shortened by an earlier nudge), on a nudge, or on abort. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    const wait = this.#pending ? Math.min(ms, FAST_INTERVAL_MS) : ms;
    this.#pending = false;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.#wake === done) this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, wait);
      signal.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }
}

/**
 * One GET with a fresh connection (no agent: nothing lingers once the model is up), bounded
 * by `limitMs`. node:http rather than undici: this runs in the supervisor thread, which
 * would otherwise load undici (~15 MB of RSS) for this one call.
 */
function attempt(url: string, limitMs: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (healthy: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(healthy);
    };
    const req = request(url, { method: "GET", agent: false }, (res) => {
      res.resume();
      res.once("end", () => settle(res.statusCode === 200));
      res.once("error", () => settle(false));
    });
    const onAbort = (): void => {
      req.destroy();
      settle(false);
    };
    const timer = setTimeout(onAbort, limitMs);
    signal.addEventListener("abort", onAbort, { once: true });
    req.once("error", () => settle(false));
    req.end();
  });
}

/** Resolves "healthy" on the first 200, "timeout" after `timeoutMs`, "aborted" if `signal` fires. */
export async function pollHealth(
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
  nudge: Nudge = new Nudge(),
): Promise<HealthOutcome> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let interval = FAST_INTERVAL_MS;
  for (;;) {
    if (signal.aborted) return "aborted";
    const left = deadline - Date.now();
    if (left <= 0) return "timeout";
    if (await attempt(url, Math.max(1, Math.min(ATTEMPT_LIMIT_MS, left)), signal)) {
      return signal.aborted ? "aborted" : "healthy";
    }
    const wait = Math.min(interval, deadline - Date.now());
    if (wait > 0) await nudge.wait(wait, signal);
    if (signal.aborted) return "aborted";
    if (Date.now() - started >= FAST_PHASE_MS) interval = Math.min(interval * 1.5, MAX_INTERVAL_MS);
  }
}
