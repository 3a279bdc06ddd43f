// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
import { describe, expect, it } from "vitest";
import { UNSUPPORTED_KEYS } from "../src/index.ts";
import { oneModel, parse, warnings } from "./helpers.ts";

describe("config keys", () => {
  it("keys: top-level settings are read", () => {
    const { config } = parse(
      oneModel(
        "",
        "healthCheckTimeout: 300\nlogLevel: debug\nlogToStdout: both\nstartPort: 7000\nincludeAliasesInList: true\napiKeys: [k1, k2]\nupstream:\n  ignorePaths: ['^/ws$']\n",
      ),
    );
    expect(config).toMatchObject({
      healthCheckTimeoutMs: 300_000,
      logLevel: "debug",
      logToStdout: "both",
      startPort: 7000,
      includeAliasesInList: true,
      apiKeys: ["k1", "k2"],
      ignorePaths: ["^/ws$"],
    });
    expect(config.models.m!.port).toBe(7000);
  });

  it("keys: per-model settings are read", () => {
    const { config } = parse(
      oneModel(
        'name: N\ndescription: D\nproxy: http://127.0.0.1:${PORT}\naliases: [a1]\nuseModelName: up/name\nunlisted: true\nconcurrencyLimit: 3\nttl: 9\nunloadTimeout: 4\ncapabilities:\n  in: [text, image]\n  tools: true\n  context: 8192\ntimeouts:\n  connect: 5\n  responseHeader: 60\nhotswap:\n  priority: 7\n  memory: {gpu0: 8000}\nfilters:\n  stripParams: "temperature, top_p,,model"\n  setParams: {top_k: 40, model: x}',
        "hotswap:\n  devices: {gpu0: 24000}\n",
      ),
    );
    const m = config.models.m!;
    expect(m).toMatchObject({
      name: "N",
      description: "D",
      proxy: "http://127.0.0.1:5800",
      port: 5800,
      aliases: ["a1"],
      useModelName: "up/name",
      unlisted: true,
      concurrencyLimit: 3,
      ttlMs: 9000,
      unloadTimeoutMs: 4000,
      capabilities: { in: ["text", "image"], out: [], tools: true, reranker: false, context: 8192 },
      priority: 7,
      memory: { gpu0: 8000 },
      filters: { stripParams: ["temperature", "top_p"], setParams: { top_k: 40 }, setParamsByID: {} },
    });
    expect(m.timeouts.connectMs).toBe(5000);
    expect(m.timeouts.responseHeaderMs).toBe(60_000);
    expect(config.aliases).toEqual({ a1: "m" });
    expect(config.core.devices).toEqual({ gpu0: 24000 });
    expect(config.core.models[0]).toMatchObject({ priority: 7, memory: { gpu0: 8000 }, concurrencyLimit: 3 });
  });

  it("keys: model is never stripped or overridden by filters (warned)", () => {
    expect(warnings(oneModel('filters:\n  stripParams: "model, a"\n  setParams: {model: x}'))).toEqual([
      'c.yaml:5:20: warning: models.m.filters.stripParams: "model" can never be stripped; ignored',
      'c.yaml:6:19: warning: models.m.filters.setParams.model: "model" can never be overridden; ignored',
    ]);
  });

  it("keys: env accepts llama-swap's NAME=value list and a mapping", () => {
    const a = parse(oneModel('env: ["A=1", "B=x=y", "EMPTY="]')).config.models.m!;
    expect(a.env).toEqual({ A: "1", B: "x=y", EMPTY: "" });
    const b = parse(oneModel("env:\n  A: 1\n  B: on ${MODEL_ID}")).config.models.m!;
    expect(b.env).toEqual({ A: "1", B: "on m" });
  });

  it("keys: cmd comments and line continuations are removed; argv splits like a shell", () => {
    const text =
      'models:\n  m:\n    cmd: |\n      # a comment\n      srv --port ${PORT} \\\n        --name \'two words\' "q \\"x\\"" a\\ b\n      # another\n      --last\n';
    const m = parse(text).config.models.m!;
    expect(m.cmd).toBe(`srv --port 5800 --name 'two words' "q \\"x\\"" a\\ b --last`);
    expect(m.argv).toEqual(["srv", "--port", "5800", "--name", "two words", 'q "x"', "a b", "--last"]);
  });

  it("keys: canonical routing selects groups or matrix and reads fifo priorities", () => {
    const models = "models:\n  a:\n    cmd: s ${PORT}\n  b:\n    cmd: s ${PORT}\n";
    const g = parse(
      `${models}routing:\n  router:\n    use: group\n    settings:\n      groups:\n        g: {swap: false, members: [a, b]}\n  scheduler:\n    use: fifo\n    settings:\n      fifo:\n        priority: {a: 5}\n`,
    ).config;
    expect(g.core.planner).toEqual({
      kind: "groups",
      groups: [{ id: "g", swap: false, exclusive: true, persistent: false, members: ["a", "b"] }],
    });
    expect(g.models.a!.priority).toBe(5);
    expect(g.core.models.map((m) => m.priority)).toEqual([5, 0]);
    const m = parse(
      `${models}routing:\n  router:\n    use: matrix\n    settings:\n      matrix:\n        vars: {x: a}\n        evict_costs: {x: 3}\n        sets:\n          both: "x & b"\n`,
    ).config;
    expect(m.core.planner).toEqual({
      kind: "matrix",
      vars: { x: "a" },
      sets: [{ name: "both", expr: "x & b" }],
      evictCosts: { x: 3 },
    });
  });

  it("keys: legacy top-level matrix selects the matrix planner", () => {
    const { config } = parse("models:\n  a:\n    cmd: s ${PORT}\nmatrix:\n  sets: {solo: a}\n");
    expect(config.core.planner.kind).toBe("matrix");
  });

  it("keys: hotswap planners and scheduler: memory, serial, starvation bounds, queue settings", () => {
    const { config } = parse(
      oneModel(
        "",
        "routing:\n  router: {use: memory}\n  scheduler: {use: fifo}\nhotswap:\n  scheduler: {maxBypass: 4, maxWait: 2.5}\n  maxQueueLength: 50\n  onConcurrencyLimit: queue\n",
      ),
    );
    expect(config.core.planner).toEqual({ kind: "memory" });
    expect(config.core.scheduler).toEqual({ kind: "fifo", maxBypass: 4, maxWaitMs: 2500 });
    expect(config.core.maxQueueLength).toBe(50);
    expect(config.core.onConcurrencyLimit).toBe("queue");
    const serial = parse(
      oneModel("", "routing:\n  router: {use: serial}\n  scheduler: {use: serial}\n"),
    ).config;
    expect(serial.core.planner).toEqual({ kind: "serial" });
    expect(serial.core.scheduler).toEqual({ kind: "serial" });
  });

  it("keys: preload resolves aliases and drops unknown ids with a warning", () => {
    const result = parse(
      oneModel("aliases: [al]", "hooks:\n  on_startup:\n    preload: [al, ' m ', ghost, '']\n"),
    );
    expect(result.config.preload).toEqual(["m"]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'unknown model "ghost" in preload: not a model id or alias; ignored',
    ]);
  });

  it("keys: an unknown group member is a warning and is left out of the group", () => {
    const result = parse(oneModel("", "groups:\n  g:\n    members: [m, ghost]\n"));
    expect(result.warnings.map((w) => w.message)).toEqual([
      'unknown model "ghost" in group "g": not a model id in models; ignored',
    ]);
    expect(result.config.core.planner).toMatchObject({ groups: [{ members: ["m"] }] });
  });

  it("keys: peers are parsed and kept", () => {
    const { config } = parse(
      oneModel(
        "",
        "peers:\n  p1:\n    proxy: http://10.0.0.2:8080\n    apiKey: k\n    models: [x, y]\n    filters: {stripParams: 'a, b'}\n",
      ),
    );
    expect(config.peers.p1).toMatchObject({
      id: "p1",
      proxy: "http://10.0.0.2:8080",
      apiKey: "k",
      models: ["x", "y"],
      filters: { stripParams: ["a", "b"], setParams: {} },
    });
  });

  it("keys: llama-swap keys hotswap ignores give one warning per key", () => {
    const text = `${oneModel("timeouts: {connect: 1}\ncompat: {ignoreWebsockets: true}", "captureBuffer: 3\nprofiles: {}\n")}  n:\n    cmd: s \${PORT}\n    timeouts: {connect: 2}\n`;
    expect(warnings(text)).toEqual([
      "c.yaml:1:1: warning: captureBuffer: captureBuffer is not supported by hotswap yet (hotswap keeps no request/response capture); ignored",
      "c.yaml:2:1: warning: profiles: profiles is not supported by hotswap yet (hotswap has no runtime profiles); ignored",
      "c.yaml:6:5: warning: models.m.timeouts: timeouts is not supported by hotswap yet (upstream connection timeouts use hotswap's defaults); ignored in every model",
      "c.yaml:7:5: warning: models.m.compat: compat is not supported by hotswap yet (hotswap has no websocket compatibility switches); ignored in every model",
    ]);
    expect(Object.keys(UNSUPPORTED_KEYS)).toContain("peers");
  });

  it("keys: keys unknown to llama-swap and hotswap give a warning each", () => {
    expect(
      warnings(oneModel("colour: red\nhotswap: {prio: 1}", "extra: 1\nhotswap: {devicez: {}}\n")),
    ).toEqual([
      'c.yaml:1:1: warning: extra: unknown key "extra": not a llama-swap or hotswap setting; ignored',
      'c.yaml:2:11: warning: hotswap.devicez: unknown key "devicez": not a llama-swap or hotswap setting; ignored',
      'c.yaml:6:5: warning: models.m.colour: unknown key "colour": not a llama-swap or hotswap setting; ignored',
      'c.yaml:7:15: warning: models.m.hotswap.prio: unknown key "prio": not a llama-swap or hotswap setting; ignored',
    ]);
  });

  it("keys: a proxy without ${PORT} and without a port is a warning", () => {
    expect(warnings("models:\n  m:\n    cmd: s --port 80\n    proxy: http://127.0.0.1\n")).toEqual([
      `c.yaml:4:12: warning: models.m.proxy: proxy "http://127.0.0.1" has neither \${PORT} nor an explicit port; the scheme's default port is used`,
    ]);
  });

  it("keys: YAML merge keys and anchors work as in llama-swap", () => {
    const { config } = parse(
      "x-common: &common\n  ttl: 5\nmodels:\n  a:\n    <<: *common\n    cmd: s ${PORT}\n",
    );
    expect(config.models.a!.ttlMs).toBe(5000);
  });

  it("keys: a model's hotswap.priority wins over routing priorities, with a warning when they differ", () => {
    const result = parse(
      "models:\n  a:\n    cmd: s ${PORT}\n    hotswap: {priority: 2}\n  b:\n    cmd: s ${PORT}\nrouting:\n  scheduler:\n    settings:\n      fifo:\n        priority: {a: 9, b: 4}\n",
    );
    expect(result.config.core.models.map((m) => [m.id, m.priority])).toEqual([
      ["a", 2],
      ["b", 4],
    ]);
    expect(result.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "models.a.hotswap.priority: overrides routing.scheduler.settings.fifo.priority (9) with 2",
    ]);
  });
});
