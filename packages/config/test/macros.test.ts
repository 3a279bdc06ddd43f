// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
import { describe, expect, it } from "vitest";
import { failures, oneModel, parse } from "./helpers.ts";

describe("config macros", () => {
  it("macros: ${PORT} counts up from startPort over models that use it, in sorted id order", () => {
    const { config } = parse(
      "startPort: 9000\nmodels:\n  b:\n    cmd: s --port ${PORT}\n  a:\n    cmd: s --port ${PORT}\n  c:\n    cmd: s --port 7\n    proxy: http://127.0.0.1:7\n  d:\n    cmd: s ${PORT}\n",
    );
    expect([
      config.models.a!.port,
      config.models.b!.port,
      config.models.c!.port,
      config.models.d!.port,
    ]).toEqual([9000, 9001, 7, 9002]);
    expect(config.models.a!.proxy).toBe("http://localhost:9000");
  });

  it("macros: ${PORT} inside a macro counts as used by cmd; it fills proxy, cmdStop, env and metadata (typed)", () => {
    const { config } = parse(
      'macros:\n  srv: "llama-server --port ${PORT}"\nmodels:\n  m:\n    cmd: ${srv}\n    proxy: http://127.0.0.1:${PORT}/v1\n    cmdStop: stop ${PORT} ${PID}\n    env: ["P=${PORT}"]\n    metadata:\n      port: ${PORT}\n      text: "on ${PORT}"\n',
    );
    const m = config.models.m!;
    expect(m.argv).toEqual(["llama-server", "--port", "5800"]);
    expect(m.proxy).toBe("http://127.0.0.1:5800/v1");
    expect(m.cmdStop).toBe("stop 5800 ${PID}");
    expect(m.cmdStopArgv).toEqual(["stop", "5800", "${PID}"]);
    expect(m.env).toEqual({ P: "5800" });
    expect(m.metadata).toEqual({ port: 5800, text: "on 5800" });
  });

  it("macros: ${MODEL_ID} is the model's id, in cmd, aliases and setParamsByID keys", () => {
    const { config } = parse(
      'models:\n  qwen:\n    cmd: docker run --name ${MODEL_ID} -p ${PORT}:80\n    cmdStop: docker stop ${MODEL_ID}\n    filters:\n      setParamsByID:\n        "${MODEL_ID}:hi": {effort: high}\n',
    );
    const m = config.models.qwen!;
    expect(m.argv).toEqual(["docker", "run", "--name", "qwen", "-p", "5800:80"]);
    expect(m.cmdStop).toBe("docker stop qwen");
    expect(m.filters.setParamsByID).toEqual({ "qwen:hi": { effort: "high" } });
    expect(config.aliases).toEqual({ "qwen:hi": "qwen" });
  });

  it("macros: ${PID} is left in cmdStop and is an error elsewhere", () => {
    expect(failures(oneModel("name: pid ${PID}"))).toEqual([
      "c.yaml:4:15: error: models.m.name: ${PID} is only available in cmdStop",
    ]);
  });

  it("macros: ${env.NAME} comes from the env passed in; a whole plain scalar takes the value's type", () => {
    const { config } = parse(oneModel("ttl: ${env.TTL}\nname: ${env.NAME}-x", "apiKeys: ['${env.KEY}']\n"), {
      TTL: "30",
      NAME: "n",
      KEY: "secret",
    });
    expect(config.models.m!.ttlMs).toBe(30_000);
    expect(config.models.m!.name).toBe("n-x");
    expect(config.apiKeys).toEqual(["secret"]);
  });

  it("macros: an unset ${env.NAME} is an error at its position", () => {
    expect(failures(oneModel("name: x ${env.MISSING}"))).toEqual([
      "c.yaml:4:13: error: models.m.name: environment variable MISSING is not set (used as ${env.MISSING})",
    ]);
  });

  it("macros: model macros win over global ones; macros may use macros defined later", () => {
    const { config } = parse(
      'macros:\n  args: "--ctx ${ctx}"\n  ctx: 4096\nmodels:\n  a:\n    cmd: s ${PORT} ${args}\n  b:\n    macros:\n      ctx: 8192\n    cmd: s ${PORT} ${args}\n',
    );
    expect(config.models.a!.cmd).toBe("s 5800 --ctx 4096");
    expect(config.models.b!.cmd).toBe("s 5801 --ctx 8192");
  });

  it("macros: metadata keeps macro types inside lists and mappings", () => {
    const { config } = parse(
      'macros:\n  t: 0.7\n  on: true\nmodels:\n  m:\n    cmd: s ${PORT}\n    metadata:\n      list: [1, "${t}", "t=${t}"]\n      obj: {flag: "${on}", id: "${MODEL_ID}"}\n',
    );
    expect(config.models.m!.metadata).toEqual({ list: [1, 0.7, "t=0.7"], obj: { flag: true, id: "m" } });
  });

  it("macros: an unknown macro is an error naming it and the chain that reached it", () => {
    expect(
      failures('macros:\n  a: "${b}"\n  b: "x ${nope}"\nmodels:\n  m:\n    cmd: s ${PORT} ${a} ${zz}\n'),
    ).toEqual([
      "c.yaml:6:20: error: models.m.cmd: unknown macro ${nope} (reached through ${a} -> ${b})",
      "c.yaml:6:25: error: models.m.cmd: unknown macro ${zz}",
    ]);
  });

  it("macros: a cycle is an error naming the cycle", () => {
    expect(
      failures('macros:\n  a: "${b}"\n  b: "${c}"\n  c: "-x ${a}"\nmodels:\n  m:\n    cmd: s ${PORT} ${b}\n'),
    ).toEqual(["c.yaml:7:20: error: models.m.cmd: macro cycle: ${b} -> ${c} -> ${a} -> ${b}"]);
  });

  it("macros: reserved and malformed macro names are errors", () => {
    expect(
      failures('macros:\n  PORT: 1\n  "bad name": 2\n  ok: 3\nmodels:\n  m:\n    cmd: s ${PORT}\n'),
    ).toEqual([
      "c.yaml:2:3: error: macros.PORT: macro name PORT is reserved (PID, PORT and MODEL_ID are set by hotswap)",
      `c.yaml:3:3: error: macros.bad name: expected a macro name of 1-64 letters, digits, '_' or '-', found "bad name"`,
    ]);
  });

  it("macros: ${PORT} outside cmd without cmd using it is an error", () => {
    expect(
      failures("models:\n  m:\n    cmd: s --port 1\n    proxy: http://h:1\n    name: p${PORT}\n"),
    ).toEqual(["c.yaml:5:11: error: models.m.name: ${PORT} is only assigned to models whose cmd uses it"]);
  });
});
