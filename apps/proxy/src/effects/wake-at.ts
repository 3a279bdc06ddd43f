/**
 * Executor for `wakeAt`: owns the loop's single timer. A later wakeAt replaces the earlier
 * one. The tick carries the monotonic clock reading when it is sent, which is never before
 * the requested time: libuv timers have millisecond granularity and can fire a fraction of
 * a millisecond early by `performance.now()`, so an early timer is re-armed for the rest.
 */
import type { EffectOf } from "@hotswap/core";
import type { EffectContext } from "./context.ts";

export class WakeTimer {
  #timer: NodeJS.Timeout | null = null;

  wakeAt(ctx: EffectContext, effect: EffectOf<"wakeAt">): void {
    this.cancel();
    this.#arm(ctx, effect.at);
  }

  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(ctx: EffectContext, at: number): void {
    const delay = Math.max(0, Math.ceil(at - ctx.now()));
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const now = ctx.now();
      if (now < at) this.#arm(ctx, at);
      else ctx.dispatch({ type: "tick", at: now });
    }, delay);
    // A pending ttl must not keep a finished process alive.
    this.#timer.unref();
  }
}
