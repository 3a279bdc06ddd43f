// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../src/index.ts";
import { fixture, oneModel, parse } from "./helpers.ts";

describe("config defaults", () => {
  const { config } = parse(oneModel());
  const model = config.models.m!;

  it("defaults: top-level keys take llama-swap's defaults", () => {
    expect(config.healthCheckTimeoutMs).toBe(120_000);
    expect(config.globalTtlMs).toBe(0);
    expect(config.unloadTimeoutMs).toBe(10_000);
    expect(config.logLevel).toBe("info");
    expect(config.logTimeFormat).toBe("");
    expect(config.logToStdout).toBe("proxy");
    expect(config.metricsMaxInMemory).toBe(1000);
    expect(config.captureBuffer).toBe(5);
    expect(config.startPort).toBe(5800);
    expect(config.sendLoadingState).toBe(false);
    expect(config.includeAliasesInList).toBe(false);
    expect(config.apiKeys).toEqual([]);
    expect(config.preload).toEqual([]);
    expect(config.ignorePaths).toEqual([".*\\.(js|json|css|png|gif|jpg|jpeg|ico|txt)$"]);
    expect(config.aliases).toEqual({});
    expect(config.peers).toEqual({});
  });

  it("defaults: a model takes llama-swap's per-model defaults", () => {
    expect(model).toMatchObject({
      id: "m",
      name: "",
      description: "",
      cmd: "srv --port 5800",
      argv: ["srv", "--port", "5800"],
      cmdStop: null,
      cmdStopArgv: null,
      env: {},
      proxy: "http://localhost:5800",
      port: 5800,
      checkEndpoint: "/health",
      aliases: [],
      useModelName: null,
      filters: { stripParams: [], setParams: {}, setParamsByID: {} },
      metadata: {},
      concurrencyLimit: 10,
      sendLoadingState: false,
      unlisted: false,
      ttlMs: 0,
      unloadTimeoutMs: 10_000,
      capabilities: null,
      compat: { ignoreWebsockets: false },
      priority: 0,
      memory: {},
    });
    expect(model.timeouts).toEqual({
      connectMs: 30_000,
      keepaliveMs: 30_000,
      responseHeaderMs: 0,
      tlsHandshakeMs: 10_000,
      expectContinueMs: 1000,
      idleConnMs: 90_000,
    });
  });

  it("defaults: the core config uses the groups planner, fifo without starvation bounds, reject at the limit", () => {
    expect(config.core).toEqual({
      models: [{ id: "m", concurrencyLimit: 10, ttlMs: 0, priority: 0, unloadTimeoutMs: 10_000, memory: {} }],
      planner: { kind: "groups", groups: [] },
      devices: {},
      scheduler: { kind: "fifo", maxBypass: 0, maxWaitMs: 0 },
      globalTtlMs: 0,
      maxQueueLength: 0,
      onConcurrencyLimit: "reject",
    });
  });

  it("defaults: DEFAULTS match the defaults in llama-swap's JSON schema", () => {
    const schema = JSON.parse(fixture("config-schema.json"));
    const p = schema.properties;
    expect(DEFAULTS.healthCheckTimeout).toBe(p.healthCheckTimeout.default);
    expect(DEFAULTS.healthCheckTimeoutMin).toBe(p.healthCheckTimeout.minimum);
    expect(DEFAULTS.globalTTL).toBe(p.globalTTL.default);
    expect(DEFAULTS.unloadTimeout).toBe(p.unloadTimeout.default);
    expect(DEFAULTS.logLevel).toBe(p.logLevel.default);
    expect(DEFAULTS.logTimeFormat).toBe(p.logTimeFormat.default);
    expect(DEFAULTS.logToStdout).toBe(p.logToStdout.default);
    expect(DEFAULTS.metricsMaxInMemory).toBe(p.metricsMaxInMemory.default);
    expect(DEFAULTS.captureBuffer).toBe(p.captureBuffer.default);
    expect(DEFAULTS.startPort).toBe(p.startPort.default);
    expect(DEFAULTS.sendLoadingState).toBe(p.sendLoadingState.default);
    expect(DEFAULTS.includeAliasesInList).toBe(p.includeAliasesInList.default);
    expect([...DEFAULTS.ignorePaths]).toEqual(p.upstream.properties.ignorePaths.default);
    const m = p.models.additionalProperties.properties;
    expect(m.proxy.default).toBe("http://localhost:${PORT}");
    expect(m.checkEndpoint.default).toBe("/health");
    expect(m.ttl.default).toBe(-1);
  });

  it("defaults: healthCheckTimeout below 15 s is raised to 15 s with a warning", () => {
    const result = parse(oneModel("", "healthCheckTimeout: 5\n"));
    expect(result.config.healthCheckTimeoutMs).toBe(15_000);
    expect(result.warnings.map((w) => w.message)).toContain(
      "healthCheckTimeout 5 is below the minimum of 15 seconds; 15 is used",
    );
  });

  it("defaults: unloadTimeout 0 means 10 s globally; a model's 0 means the global value", () => {
    const a = parse(oneModel("unloadTimeout: 0", "unloadTimeout: 0\n")).config;
    expect(a.unloadTimeoutMs).toBe(10_000);
    expect(a.models.m!.unloadTimeoutMs).toBe(10_000);
    const b = parse(oneModel("", "unloadTimeout: 30\n")).config;
    expect(b.models.m!.unloadTimeoutMs).toBe(30_000);
    const c = parse(oneModel("unloadTimeout: 3", "unloadTimeout: 30\n")).config;
    expect(c.models.m!.unloadTimeoutMs).toBe(3000);
  });

  it("defaults: ttl -1 takes globalTTL, 0 never unloads, and the core sees the effective value", () => {
    const { config: c } = parse(
      "globalTTL: 60\nmodels:\n  a:\n    cmd: s ${PORT}\n  b:\n    cmd: s ${PORT}\n    ttl: 0\n  c:\n    cmd: s ${PORT}\n    ttl: 5\n",
    );
    expect(c.globalTtlMs).toBe(60_000);
    expect([c.models.a!.ttlMs, c.models.b!.ttlMs, c.models.c!.ttlMs]).toEqual([60_000, 0, 5000]);
    expect(c.core.models.map((m) => m.ttlMs)).toEqual([60_000, 0, 5000]);
    expect(c.core.globalTtlMs).toBe(0);
  });

  it("defaults: concurrencyLimit 0 means 10; a model's sendLoadingState overrides the global one", () => {
    const { config: c } = parse(
      "sendLoadingState: true\nmodels:\n  a:\n    cmd: s ${PORT}\n    concurrencyLimit: 0\n  b:\n    cmd: s ${PORT}\n    concurrencyLimit: 2\n    sendLoadingState: false\n",
    );
    expect([c.models.a!.concurrencyLimit, c.models.b!.concurrencyLimit]).toEqual([10, 2]);
    expect([c.models.a!.sendLoadingState, c.models.b!.sendLoadingState]).toEqual([true, false]);
  });

  it("defaults: checkEndpoint none is null; all-zero capabilities are null", () => {
    const { config: c } = parse(oneModel("checkEndpoint: none\ncapabilities:\n  tools: false\n  context: 0"));
    expect(c.models.m!.checkEndpoint).toBeNull();
    expect(c.models.m!.capabilities).toBeNull();
  });

  it("defaults: groups default to swap and exclusive, not persistent", () => {
    const { config: c } = parse(oneModel("", "groups:\n  g:\n    members: [m]\n"));
    expect(c.core.planner).toEqual({
      kind: "groups",
      groups: [{ id: "g", swap: true, exclusive: true, persistent: false, members: ["m"] }],
    });
  });
});
