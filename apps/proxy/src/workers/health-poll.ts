/**
 * Polls a health URL until it answers 200.
 *
 * Schedule: every 1 ms for the first 5 s (most servers, and every warm one, are up by then,
 * and readiness should be noticed at once), then backing off by 1.5x up to 25 ms, so even
 * a silent model that loads for minutes is noticed within 25 ms.
 *
 * One kept-alive connection per poll loop (an Agent with one socket, destroyed when the loop
 * ends, so nothing lingers once the model is up, times out or is aborted): an attempt
 * against a listening-but-loading server is one small request, not a TCP connect and close.
 * Measured on the 2-CPU bench machine, `pollHealth` for 3 s against a loopback node:http
 * server answering 503 (CPU per attempt / share of one core):
 *   schedule                            attempts/s  poller          upstream
 *   fresh connection every 5 ms (old)          165  ~910 us / 15%   ~485 us / 8%
 *   kept-alive every 2 ms                      395  ~415 us / 16%   ~190 us / 7.5%
 *   kept-alive every 1 ms (this)               710  ~280 us / 20%   ~130 us / 9.5%
 *   port closed (ECONNREFUSED), every 1 ms           23-26% of a core, upstream 0
 * Back to back a kept-alive attempt costs only ~80-120 us (upstream ~45-70), a fresh
 * connection ~200-300 (~120-170), a refused one ~125-180: at these rates most of the cost
 * is waking up. 1 ms over 2 ms: the target is 5 ms from healthy to the request arriving
 * upstream, forwarding after the 200 takes ~2-3 ms, and 2 ms polling (a ~2.4 ms period)
 * leaves a worst-case poll gap near 3 ms; 1 ms (a ~1.3 ms period) leaves ~1.5 ms. The price,
 * ~5 points of a core in the supervisor and ~1.5 in the upstream over the old schedule, is
 * paid for at most 5 s per start.
 *
 * `onAnswering` runs once, on the first answer that is not a 200: the server accepts
 * connections, so the main thread can open one for the first request (http/upstream-pools.ts).
 *
 * A `Nudge` cuts the current wait short: the host nudges on every output line, because
 * servers log when they start listening or finish loading, so the check runs right when
 * readiness is likely.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

const FAST_PHASE_MS = 5_000;
const FAST_INTERVAL_MS = 1;
const MAX_INTERVAL_MS = 25;
/** A single attempt may not hang longer than this (a server that accepts but never answers). */
const ATTEMPT_LIMIT_MS = 2_000;

export type HealthOutcome = "healthy" | "timeout" | "aborted";

/**
 * Wakes a waiting poll loop early. A nudge during a wait ends it at once, unless a nudge
 * ended a wait less than the fast interval ago: then the wait ends when that interval is up
 * (or at its own end, if sooner). A nudge while an attempt is running shortens the next wait
 * to the fast interval. So a lone line (a server logging "model loaded") triggers a check
 * at once, and a burst of output (llama-server prints hundreds of lines while loading) costs
 * at most about one check per fast interval.
 */
export class Nudge {
  #wake: (() => void) | null = null;
  #pending = false;
  /** When a nudge last ended a wait (performance.now() ms). */
  #lastEarlyEnd = Number.NEGATIVE_INFINITY;

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
    const due = performance.now() + wait;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.#wake === wake) this.#wake = null;
        resolve();
      };
      const endEarly = (): void => {
        this.#lastEarlyEnd = performance.now();
        done();
      };
      const wake = (): void => {
        const now = performance.now();
        const at = Math.max(now, this.#lastEarlyEnd + FAST_INTERVAL_MS);
        if (at >= due) return; // the wait's own timer ends it no later
        if (at === now) {
          endEarly();
          return;
        }
        clearTimeout(timer);
        timer = setTimeout(endEarly, Math.ceil(at - now));
      };
      let timer = setTimeout(done, wait);
      signal.addEventListener("abort", done, { once: true });
      this.#wake = wake;
    });
  }
}

/**
 * One GET over `agent`'s connection (opened on first use, reopened after an error or a
 * server's `Connection: close`), bounded by `limitMs`; `onAnswer` runs on every answer but a
 * 200. An abort or the limit destroys the request and with it the socket. node:http rather
 * than undici: this runs in the supervisor thread, which would otherwise load undici (~15 MB
 * of RSS) for this one call.
 */
function attempt(
  url: string,
  agent: Agent,
  limitMs: number,
  signal: AbortSignal,
  onAnswer: () => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (healthy: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(healthy);
    };
    const req = request(url, { method: "GET", agent }, (res) => {
      res.resume();
      // Kept after settling: a 200 settles at its head (its body tells nothing more and the
      // loop is over), so the socket may be destroyed mid-body.
      res.on("error", () => settle(false));
      if (res.statusCode === 200) {
        settle(true);
        return;
      }
      onAnswer();
      res.once("end", () => settle(false));
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

/**
 * Resolves "healthy" on the first 200 (at its response head), "timeout" after `timeoutMs`,
 * "aborted" if `signal` fires. Every attempt of one call shares one connection, destroyed
 * once the promise has settled, before the thread next polls for I/O (so no socket outlives
 * the call, whatever the outcome, and no further attempt is made on it).
 */
export function pollHealth(
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
  nudge: Nudge = new Nudge(),
  onAnswering: () => void = () => {},
): Promise<HealthOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let answered = false;
  const onAnswer = (): void => {
    if (answered) return;
    answered = true;
    onAnswering();
  };
  const outcome = pollLoop(url, agent, timeoutMs, signal, nudge, onAnswer);
  // Torn down right after the caller has seen the outcome (its await resumes in a microtask,
  // setImmediate runs after those): on "healthy" the ready report goes out first. Measured in
  // the supervisor worker, agent.destroy() took ~0.06 ms, but up to ~1.3 ms in a third of
  // bench:swap's starts, all of it between the first 200 and the model's request.
  const teardown = (): void => {
    setImmediate(() => agent.destroy());
  };
  outcome.then(teardown, teardown);
  return outcome;
}

async function pollLoop(
  url: string,
  agent: Agent,
  timeoutMs: number,
  signal: AbortSignal,
  nudge: Nudge,
  onAnswer: () => void,
): Promise<HealthOutcome> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let interval = FAST_INTERVAL_MS;
  for (;;) {
    if (signal.aborted) return "aborted";
    const left = deadline - Date.now();
    if (left <= 0) return "timeout";
    if (await attempt(url, agent, Math.max(1, Math.min(ATTEMPT_LIMIT_MS, left)), signal, onAnswer)) {
      return signal.aborted ? "aborted" : "healthy";
    }
    const wait = Math.min(interval, deadline - Date.now());
    if (wait > 0) await nudge.wait(wait, signal);
    if (signal.aborted) return "aborted";
    if (Date.now() - started >= FAST_PHASE_MS) interval = Math.min(interval * 1.5, MAX_INTERVAL_MS);
  }
}
