/** Binds one executor per effect kind to a context, for `RunLoop.setExecutors`. */
import type { EffectExecutors } from "../run-loop.ts";
import type { EffectContext } from "./context.ts";
import { grant } from "./grant.ts";
import { queuePosition } from "./queue-position.ts";
import { reject } from "./reject.ts";
import { shutdownComplete } from "./shutdown-complete.ts";
import { startProcess } from "./start-process.ts";
import { stopProcess } from "./stop-process.ts";
import type { WakeTimer } from "./wake-at.ts";

export function bindExecutors(ctx: EffectContext, timer: WakeTimer): EffectExecutors {
  return {
    startProcess: (e) => startProcess(ctx, e),
    stopProcess: (e) => stopProcess(ctx, e),
    grant: (e) => grant(ctx, e),
    reject: (e) => reject(ctx, e),
    queuePosition: (e) => queuePosition(ctx, e),
    wakeAt: (e) => timer.wakeAt(ctx, e),
    shutdownComplete: (e) => shutdownComplete(ctx, e),
  };
}
