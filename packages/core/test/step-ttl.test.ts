import { describe, expect, it } from "vitest";
import { config, Driver, model, of } from "./step-support.ts";

describe("step: idle TTL", () => {
  it("step: an idle model is stopped with reason ttl once its TTL passes, woken by a tick", () => {
    const d = new Driver(config([model("a", { ttlMs: 1000 })]));
    d.arrive("r1", "a", 0);
    d.ready("a", 100);
    const done = d.finish("r1", 200);
    expect(of(done, "wakeAt")).toEqual([{ type: "wakeAt", at: 1200 }]);
    expect(of(d.tick(1199), "stopProcess")).toEqual([]);
    expect(of(d.tick(1200), "stopProcess")).toEqual([
      { type: "stopProcess", model: "a", instance: 1, timeoutMs: 5000, reason: "ttl" },
    ]);
  });

  it("step: globalTtlMs applies when the model's own TTL is 0", () => {
    const d = new Driver(config([model("a")], { globalTtlMs: 500 }));
    d.arrive("r1", "a", 0);
    d.ready("a", 0);
    d.finish("r1", 0);
    expect(of(d.tick(500), "stopProcess").map((s) => s.reason)).toEqual(["ttl"]);
  });

  it("step: a model serving a request is never stopped by TTL", () => {
    const d = new Driver(config([model("a", { ttlMs: 100 })]));
    d.arrive("r1", "a", 0);
    d.ready("a", 0);
    expect(of(d.tick(10_000), "stopProcess")).toEqual([]);
    d.finish("r1", 10_000);
    expect(of(d.tick(10_100), "stopProcess")).toHaveLength(1);
  });

  it("step: use pushes the TTL deadline back and the same deadline is not asked for twice", () => {
    const d = new Driver(config([model("a", { ttlMs: 1000, concurrencyLimit: 2 })]));
    d.arrive("r1", "a", 0);
    d.ready("a", 0);
    d.finish("r1", 0);
    d.arrive("r2", "a", 400);
    const again = d.finish("r2", 500);
    expect(of(again, "wakeAt")).toEqual([{ type: "wakeAt", at: 1500 }]);
    expect(of(d.tick(1000), "stopProcess")).toEqual([]);
    expect(of(d.tick(1000), "wakeAt")).toEqual([]);
  });
});
