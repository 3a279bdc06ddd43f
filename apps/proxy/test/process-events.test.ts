import type { Event } from "@hotswap/core";
import { describe, expect, it } from "vitest";
import { LogHub } from "../src/logs/log-hub.ts";
import { ProcessTable } from "../src/process-table.ts";
import { handleSupervisorEvent } from "../src/supervisor-events.ts";

function sinks() {
  const events: Event[] = [];
  const s = {
    logs: new LogHub(10),
    processes: new ProcessTable(),
    dispatch: (e: Event) => events.push(e),
    now: () => 42,
  };
  return { s, events };
}

describe("supervisor events to core events", () => {
  it("supervisor events: ready/startFailed/exited/stopped become core events at the app's clock", () => {
    const { s, events } = sinks();
    const base = { model: "m", instance: 3, at: 999_999 };
    handleSupervisorEvent(s, { ...base, type: "ready" });
    handleSupervisorEvent(s, {
      ...base,
      type: "startFailed",
      code: "HEALTH_TIMEOUT",
      message: "no",
      lastLines: [],
    });
    handleSupervisorEvent(s, {
      ...base,
      type: "exited",
      exitCode: 1,
      signal: null,
      message: "crashed",
      lastLines: [],
    });
    handleSupervisorEvent(s, { ...base, type: "stopped" });
    expect(events).toEqual([
      { type: "processReady", model: "m", instance: 3, at: 42 },
      { type: "processStartFailed", model: "m", instance: 3, at: 42, message: "HEALTH_TIMEOUT: no" },
      { type: "processExited", model: "m", instance: 3, at: 42, message: "crashed" },
      { type: "processStopped", model: "m", instance: 3, at: 42 },
    ]);
  });

  it("supervisor events: log lines go to the model's ring buffer, not to the core", () => {
    const { s, events } = sinks();
    handleSupervisorEvent(s, {
      model: "m",
      instance: 1,
      at: 0,
      type: "log",
      stream: "stderr",
      line: "loading",
    });
    handleSupervisorEvent(s, { model: "m", instance: 1, at: 0, type: "spawned", pid: 1234 });
    expect(events).toEqual([]);
    expect(s.logs.tail("m")).toEqual(["loading"]);
  });

  it("supervisor events: the process table follows the current instance and ignores old ones", async () => {
    const { s } = sinks();
    s.processes.started("m", 2);
    handleSupervisorEvent(s, { model: "m", instance: 1, at: 0, type: "stopped" });
    expect(s.processes.get("m")?.phase).toBe("starting");
    handleSupervisorEvent(s, { model: "m", instance: 2, at: 0, type: "ready" });
    expect(s.processes.get("m")?.phase).toBe("ready");
    const gone = s.processes.whenGone(["m"]);
    handleSupervisorEvent(s, { model: "m", instance: 2, at: 0, type: "stopped" });
    await gone;
    expect(s.processes.list()).toEqual([]);
  });

  it("supervisor events: upstreams get spawned, answering, ready and gone, the last two after the core was told", () => {
    const calls: string[] = [];
    const { s } = sinks();
    const withUpstreams = {
      ...s,
      dispatch: (e: Event) => calls.push(`dispatch ${e.type}`),
      upstreams: {
        spawned: (model: string) => calls.push(`spawned ${model}`),
        answering: (model: string) => calls.push(`answering ${model}`),
        ready: (model: string) => calls.push(`ready ${model}`),
        gone: (model: string) => calls.push(`gone ${model}`),
      },
    };
    const base = { model: "m", instance: 1, at: 0 };
    handleSupervisorEvent(withUpstreams, { ...base, type: "spawned", pid: 1234 });
    handleSupervisorEvent(withUpstreams, { ...base, type: "answering" });
    handleSupervisorEvent(withUpstreams, { ...base, type: "ready" });
    expect(calls).toEqual(["spawned m", "answering m", "dispatch processReady", "ready m"]);
    calls.length = 0;
    handleSupervisorEvent(withUpstreams, {
      ...base,
      type: "exited",
      exitCode: 1,
      signal: null,
      message: "died",
      lastLines: [],
    });
    expect(calls).toEqual(["dispatch processExited", "gone m"]);
  });
});
