import type { Effect, Event } from "@hotswap/core";
import { describe, expect, it } from "vitest";
import { ShuttingDownError } from "../src/http/errors.ts";
import { TicketRegistry } from "../src/requests/ticket.ts";
import { type EffectExecutors, RunLoop } from "../src/run-loop.ts";

type Log = string[];

/** A fake core: each requestArrived grants itself; each tick asks for a wakeAt. */
function fakeStep(state: Log, event: Event): { state: Log; effects: Effect[] } {
  const next = [...state, event.type];
  if (event.type === "requestArrived") {
    return {
      state: next,
      effects: [{ type: "grant", requestId: event.id, model: event.model, instance: 1 }],
    };
  }
  if (event.type === "tick") return { state: next, effects: [{ type: "wakeAt", at: event.at + 1 }] };
  return { state: next, effects: [] };
}

function executors(overrides: Partial<EffectExecutors>): EffectExecutors {
  const none = () => {};
  return {
    startProcess: none,
    stopProcess: none,
    grant: none,
    reject: none,
    queuePosition: none,
    wakeAt: none,
    shutdownComplete: none,
    ...overrides,
  };
}

const hooks = {
  onExecutorError: (_: Effect, err: unknown) => {
    throw err;
  },
  onStepError: (_: Event, err: unknown) => {
    throw err;
  },
};

describe("run loop", () => {
  it("run loop: an event dispatched by an executor is applied after the current effects", () => {
    const order: string[] = [];
    const loop = new RunLoop<Log>(fakeStep, [], hooks);
    loop.setExecutors(
      executors({
        grant: (effect) => {
          order.push(`grant ${effect.requestId}`);
          loop.dispatch({ type: "grantDelivered", id: effect.requestId, at: 1 });
          order.push(`after dispatch ${effect.requestId}`);
        },
      }),
    );
    loop.dispatch({ type: "requestArrived", id: "a", model: "m", at: 0 });
    expect(order).toEqual(["grant a", "after dispatch a"]);
    expect(loop.state).toEqual(["requestArrived", "grantDelivered"]);
  });

  it("run loop: dispatch returns with every queued event applied, in arrival order", () => {
    const loop = new RunLoop<Log>(fakeStep, [], hooks);
    let ticks = 0;
    loop.setExecutors(
      executors({
        wakeAt: () => {
          ticks += 1;
          if (ticks < 3) loop.dispatch({ type: "tick", at: ticks });
        },
      }),
    );
    loop.dispatch({ type: "tick", at: 0 });
    expect(loop.state).toEqual(["tick", "tick", "tick"]);
  });

  it("run loop: a throwing executor is reported and the remaining effects still run", () => {
    const errors: string[] = [];
    const ran: string[] = [];
    const loop = new RunLoop<Log>(
      (state, event) => ({
        state: [...state, event.type],
        effects: [{ type: "wakeAt", at: 1 }, { type: "shutdownComplete" }],
      }),
      [],
      { onExecutorError: (effect) => errors.push(effect.type), onStepError: hooks.onStepError },
    );
    loop.setExecutors(
      executors({
        wakeAt: () => {
          throw new Error("boom");
        },
        shutdownComplete: () => ran.push("shutdownComplete"),
      }),
    );
    loop.dispatch({ type: "tick", at: 0 });
    expect(errors).toEqual(["wakeAt"]);
    expect(ran).toEqual(["shutdownComplete"]);
  });

  it("run loop: a throwing step leaves the state unchanged and the loop usable", () => {
    const stepErrors: string[] = [];
    const loop = new RunLoop<Log>(
      (state, event) => {
        if (event.type === "tick") throw new Error("invariant");
        return { state: [...state, event.type], effects: [] };
      },
      [],
      { onExecutorError: hooks.onExecutorError, onStepError: (event) => stepErrors.push(event.type) },
    );
    loop.setExecutors(executors({}));
    loop.dispatch({ type: "tick", at: 0 });
    loop.dispatch({ type: "serveFinished", id: "x", at: 1 });
    expect(stepErrors).toEqual(["tick"]);
    expect(loop.state).toEqual(["serveFinished"]);
  });
});

describe("ticket", () => {
  it("ticket: a granted request closes exactly once, as serveFinished or requestCancelled", async () => {
    const tickets = new TicketRegistry();
    const served = tickets.create("m");
    expect(served.grant({ model: "m", instance: 1 })).toBe(true);
    await expect(served.promise).resolves.toEqual({ model: "m", instance: 1 });
    expect(served.close(true)).toBe("serveFinished");
    expect(served.close(false)).toBeNull();

    const left = tickets.create("m");
    left.grant({ model: "m", instance: 1 });
    expect(left.close(false)).toBe("requestCancelled");
    expect(left.close(true)).toBeNull();
  });

  it("ticket: a waiting request that leaves is cancelled and can no longer be granted", async () => {
    const ticket = new TicketRegistry().create("m");
    expect(ticket.close(false)).toBe("requestCancelled");
    expect(ticket.grant({ model: "m", instance: 1 })).toBe(false);
    // The waiting handler is released rather than left hanging.
    await expect(ticket.promise).rejects.toMatchObject({ code: "client_closed" });
  });

  it("ticket: a rejected request needs no closing event", async () => {
    const ticket = new TicketRegistry().create("m");
    ticket.reject(new ShuttingDownError());
    await expect(ticket.promise).rejects.toMatchObject({ code: "shutting_down" });
    expect(ticket.close(false)).toBeNull();
  });
});
