// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfigText } from "../src/index.ts";
import { failures, oneModel, parse } from "./helpers.ts";

describe("config errors", () => {
  it("errors: a YAML syntax error has its position", () => {
    expect(failures("models:\n  a: {cmd: x\n")).toEqual([
      "c.yaml:3:1: error: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }",
    ]);
  });

  it("errors: a duplicate key is a YAML error", () => {
    expect(failures("models:\n  a:\n    cmd: x ${PORT}\n  a:\n    cmd: y\n")).toEqual([
      "c.yaml:4:3: error: YAML syntax error: Map keys must be unique",
    ]);
  });

  it("errors: the error is a ConfigError with code CONFIG_INVALID and typed problems", () => {
    try {
      parseConfigText("models: 3\n", { path: "f.yaml", env: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.code).toBe("CONFIG_INVALID");
      expect(e.problems).toEqual([
        {
          file: "f.yaml",
          line: 1,
          column: 9,
          path: "models",
          message: "expected a mapping of model ids to model settings, found 3",
          severity: "error",
        },
      ]);
      expect(e.message).toBe(
        "invalid configuration:\nf.yaml:1:9: error: models: expected a mapping of model ids to model settings, found 3",
      );
    }
  });

  it("errors: the top level must be a mapping with models", () => {
    expect(failures("- a\n")).toEqual([
      "c.yaml:1:1: error: expected a mapping of settings at the top level, found a list",
    ]);
    expect(failures("logLevel: info\n")).toEqual([
      'c.yaml:1:1: error: models: missing required key "models": expected a mapping of model ids to model settings',
    ]);
    expect(failures("models:\n  m:\n    name: x\n")).toEqual([
      'c.yaml:3:5: error: models.m.cmd: missing required key "cmd"',
    ]);
  });

  it("errors: every problem is collected, not just the first", () => {
    expect(
      failures(
        "globalTTL: -1\nlogLevel: loud\nmodels:\n  a:\n    cmd: s ${PORT}\n    ttl: -5\n  b:\n    cmd: s ${PORT}\n    concurrencyLimit: x\n    checkEndpoint: health\n",
      ),
    ).toEqual([
      "c.yaml:1:12: error: globalTTL: expected an integer >= 0, found -1",
      'c.yaml:2:11: error: logLevel: expected one of "debug", "info", "warn", "error", found "loud"',
      "c.yaml:6:10: error: models.a.ttl: expected an integer >= -1, found -5",
      'c.yaml:9:23: error: models.b.concurrencyLimit: expected an integer >= 0, found "x"',
      'c.yaml:10:20: error: models.b.checkEndpoint: expected a path starting with "/" or "none", found "health"',
    ]);
  });

  it("errors: a negative ttl is rejected", () => {
    expect(failures(oneModel("ttl: -2"))).toEqual([
      "c.yaml:4:10: error: models.m.ttl: expected an integer >= -1, found -2",
    ]);
  });

  it("errors: an unknown scheduler or router is rejected", () => {
    expect(
      failures(oneModel("", "routing:\n  scheduler:\n    use: lifo\n  router:\n    use: magic\n")),
    ).toEqual([
      'c.yaml:3:10: error: routing.scheduler.use: expected one of "fifo", "serial", found "lifo"',
      'c.yaml:5:10: error: routing.router.use: expected one of "group", "matrix", "memory", "serial", found "magic"',
    ]);
  });

  it("errors: a model in two groups or twice in one group", () => {
    expect(
      failures(
        "models:\n  a:\n    cmd: s ${PORT}\ngroups:\n  g1:\n    members: [a, a]\n  g2:\n    members: [a]\n",
      ),
    ).toEqual([
      'c.yaml:6:18: error: groups.g1.members.1: model "a" is listed twice in group "g1"',
      'c.yaml:8:15: error: groups.g2.members.0: model "a" is in groups "g1" and "g2"; a model can be in one group only',
    ]);
  });

  it("errors: groups and matrix together, or legacy keys with routing.router", () => {
    const text = "models:\n  a:\n    cmd: s ${PORT}\ngroups:\n  g: {members: [a]}\nmatrix:\n  sets: {s: a}\n";
    expect(failures(text)).toEqual([
      "c.yaml:6:1: error: matrix: a config cannot use both groups and matrix; choose one",
      'c.yaml:6:1: warning: matrix: ignored: routing.router.use is "group"',
    ]);
    expect(failures(`${text.replace(/matrix:\n.*\n/, "")}routing:\n  router:\n    use: group\n`)).toEqual([
      "c.yaml:7:3: error: routing.router: use either the top-level groups/matrix keys or routing.router, not both",
    ]);
  });

  it("errors: duplicate alias, alias equal to a model id, setParamsByID key equal to another model", () => {
    expect(
      failures(
        "models:\n  a:\n    cmd: s ${PORT}\n    aliases: [x, b]\n  b:\n    cmd: s ${PORT}\n    aliases: [x]\n    filters:\n      setParamsByID:\n        a: {t: 1}\n",
      ),
    ).toEqual([
      'c.yaml:4:18: error: models.a.aliases.1: alias "b" of model "a" is also a model id',
      'c.yaml:7:15: error: models.b.aliases.0: duplicate alias "x": already used by model "a"',
      'c.yaml:10:9: error: models.b.filters.setParamsByID: alias "a" of model "b" is also a model id',
    ]);
  });

  it("errors: a matrix DSL syntax error points inside the expression", () => {
    const text =
      'models:\n  a:\n    cmd: s ${PORT}\nmatrix:\n  vars: {x: a}\n  sets:\n    s1: "x & (a | "\n    s2: x ! a\n';
    expect(failures(text)).toEqual([
      `c.yaml:7:19: error: matrix.sets.s1: set "s1": expected a model name or '(' at position 9, found end of expression`,
      `c.yaml:8:11: error: matrix.sets.s2: set "s2": unexpected character '!' at position 2`,
    ]);
  });

  it("errors: matrix names must be models or vars", () => {
    const text =
      "models:\n  a:\n    cmd: s ${PORT}\nrouting:\n  router:\n    use: matrix\n    settings:\n      matrix:\n        vars: {v: ghost}\n        evict_costs: {w: 2}\n        sets: {s: a & b}\n";
    expect(failures(text)).toEqual([
      'c.yaml:9:19: error: routing.router.settings.matrix.vars.v: matrix var v names "ghost", which is not a model id in models',
      'c.yaml:10:23: error: routing.router.settings.matrix.evict_costs.w: "w" is neither a var nor a model id',
      'c.yaml:11:19: error: routing.router.settings.matrix.sets.s: set "s" names "b", which is neither a var nor a model id',
    ]);
  });

  it("errors: proxy with ${PORT} when cmd has none", () => {
    expect(failures("models:\n  m:\n    cmd: s --port 1\n    proxy: http://h:${PORT}\n")).toEqual([
      `c.yaml:4:12: error: models.m.proxy: proxy "http://h:\${PORT}" uses \${PORT} but cmd does not; use \${PORT} in cmd or set proxy to the server's address`,
    ]);
  });

  it("errors: a proxy that is not an http URL", () => {
    expect(failures("models:\n  m:\n    cmd: s\n    proxy: not a url\n")).toEqual([
      'c.yaml:4:12: error: models.m.proxy: expected a URL such as "http://127.0.0.1:8080", found "not a url"',
    ]);
  });

  it("errors: a command that cannot be split", () => {
    expect(failures(oneModel().replace("${PORT}", `\${PORT} "unterminated`))).toEqual([
      "c.yaml:3:10: error: models.m.cmd: cannot split the command into arguments: unterminated double quote",
    ]);
    expect(failures("models:\n  m:\n    cmd: |\n      # only a comment\n")).toEqual([
      "c.yaml:3:10: error: models.m.cmd: expected a command, found only blanks and comments",
    ]);
  });

  it("errors: env entries must be NAME=value", () => {
    expect(failures(oneModel("env: 5"))).toEqual([
      'c.yaml:4:10: error: models.m.env: expected a list of "NAME=value" strings (NAME in upper case) or a mapping of names to values, found 5',
    ]);
    expect(failures(oneModel("env: [lower=1]"))).toEqual([
      'c.yaml:4:11: error: models.m.env.0: expected "NAME=value" with NAME in A-Z, 0-9 and _, found "lower=1"',
    ]);
  });

  it("errors: hotswap memory must name a configured device and fit in it", () => {
    const text = oneModel(
      "hotswap:\n  memory: {gpu0: 30000, gpu9: 1}",
      "hotswap:\n  devices: {gpu0: 24000}\n",
    );
    expect(failures(text)).toEqual([
      "c.yaml:7:22: error: models.m.hotswap.memory.gpu0: model needs 30000 on gpu0 but the device has 24000; it could never load",
      'c.yaml:7:29: error: models.m.hotswap.memory.gpu9: unknown device "gpu9" (known: gpu0)',
    ]);
  });

  it("errors: keys that reach JavaScript object internals are rejected, never dropped", () => {
    expect(
      failures(
        "models:\n  __proto__:\n    cmd: s ${PORT}\n  m:\n    cmd: s ${PORT}\n    env: {constructor: x}\n",
      ),
    ).toEqual([
      'c.yaml:2:3: error: models.__proto__: key "__proto__" is reserved (it clashes with JavaScript object internals); rename it',
      'c.yaml:6:11: error: models.m.env.constructor: key "constructor" is reserved (it clashes with JavaScript object internals); rename it',
    ]);
  });

  it("errors: names of inherited object properties are ordinary ids", () => {
    const { config } = parse(
      "models:\n  toString:\n    cmd: s ${PORT} ${env.valueOf}\n    aliases: [hasOwnProperty]\nhooks:\n  on_startup:\n    preload: [hasOwnProperty]\n",
      { valueOf: "v" },
    );
    const id = "toString";
    expect(config.models[id]!.argv).toEqual(["s", "5800", "v"]);
    expect(config.aliases).toEqual({ hasOwnProperty: "toString" });
    expect(config.preload).toEqual(["toString"]);
    expect(failures("models:\n  m:\n    cmd: s ${PORT} ${env.toString}\n")).toEqual([
      "c.yaml:3:20: error: models.m.cmd: environment variable toString is not set (used as ${env.toString})",
    ]);
  });

  it("errors: fuzz regression: a macro named constructor is rejected with a clear error", () => {
    expect(
      failures(
        "macros:\n  constructor: false\nmodels:\n  a:\n    cmd: a --port 9000\n    proxy: http://127.0.0.1:9000\n",
      ),
    ).toEqual([
      'c.yaml:2:3: error: macros.constructor: key "constructor" is reserved (it clashes with JavaScript object internals); rename it',
    ]);
  });
});
