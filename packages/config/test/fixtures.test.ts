import { describe, expect, it } from "vitest";
import { parseConfigText } from "../src/index.ts";
import { EXAMPLE_ENV, fixture } from "./helpers.ts";

const load = (name: string) => parseConfigText(fixture(name), { path: name, env: EXAMPLE_ENV });

describe("config fixtures (llama-swap's own files)", () => {
  it("fixtures: config.example.yaml validates with warnings only", () => {
    const { config, warnings } = load("config.example.yaml");
    expect(warnings.every((w) => w.severity === "warning")).toBe(true);
    expect(Object.keys(config.models).sort()).toEqual(["docker-llama", "gpt-oss-120b", "unlisted-model"]);
    const gpt = config.models["gpt-oss-120b"]!;
    expect(gpt.argv).toEqual([
      "/path/to/llama-server/llama-server-ec9e0301",
      "--port",
      "10002",
      "--model",
      "path/to/gpt-oss-120B.gguf",
      "--ctx-size",
      "16384",
      "--temperature",
      "0.7",
    ]);
    expect(gpt.metadata).toMatchObject({
      port: 10002,
      temperature: 0.7,
      an_obj: { c: [0.7, false, "model: gpt-oss-120b"] },
    });
    expect(config.models["docker-llama"]!.cmdStop).toBe("docker stop docker-llama");
    expect(config.apiKeys).toEqual([
      "sk-hunter2",
      "sk-gyCPiKUcIfPlaM4OSMZekkprgijPx6+OsmQs8Rsg0xZ9qpy6gKWsIKqHOk+cgXVx",
      "k1",
      "k2",
    ]);
    expect(config.peers.openrouter!.apiKey).toBe("or-key");
    expect(config.aliases).toEqual({
      "gpt-4o-mini": "gpt-oss-120b",
      "gpt-oss-120b:high": "gpt-oss-120b",
      "gpt-oss-120b:low": "gpt-oss-120b",
    });
  });

  it("fixtures: config.example.yaml warns about every ignored or dangling setting", () => {
    const paths = load("config.example.yaml").warnings.map((w) => w.path);
    expect(paths).toEqual([
      "logTimeFormat",
      "metricsMaxInMemory",
      "captureBuffer",
      "ui",
      "performance",
      "profiles",
      "selectors",
      "models.gpt-oss-120b.compat",
      "models.gpt-oss-120b.timeouts",
      "models.unlisted-model.cmd",
      "hooks.on_startup.preload.0",
      "routing.router.settings.groups.group1.members.0",
      "routing.router.settings.groups.group1.members.1",
      "routing.router.settings.groups.group2.members.1",
      "routing.router.settings.groups.group2.members.2",
      "routing.router.settings.groups.forever.members.0",
      "routing.router.settings.groups.forever.members.1",
      "routing.router.settings.groups.forever.members.2",
      "routing.router.settings.matrix",
      "routing.scheduler.settings.fifo.priority.A",
      "routing.scheduler.settings.fifo.priority.B",
      "routing.scheduler.settings.fifo.priority.C",
      "routing.scheduler.settings.fifo.priority.D",
      "peers",
    ]);
  });

  it("fixtures: docker-config.example.yaml validates with warnings only", () => {
    const { config, warnings } = load("docker-config.example.yaml");
    expect(warnings.map((w) => w.path)).toEqual(["logRequests", "metricsMaxInMemory", "models.z-image.cmd"]);
    expect(config.models["qwen2.5"]!.proxy).toBe("http://127.0.0.1:9999");
    expect(config.models["qwen2.5"]!.port).toBe(9999);
    expect(config.models["z-image"]!.checkEndpoint).toBe("/");
    expect(config.aliases["dall-e-3"]).toBe("z-image");
  });

  it("fixtures: aider-example.yaml (old list-shaped profiles) validates with warnings only", () => {
    const { config, warnings } = load("aider-example.yaml");
    expect(warnings.map((w) => w.path)).toEqual(["profiles"]);
    expect(config.models.QwQ!.env).toEqual({ CUDA_VISIBLE_DEVICES: "1" });
    expect(config.models.QwQ!.argv).toContain("top_k;top_p;min_p;temperature;dry;typ_p;xtc");
    expect(config.healthCheckTimeoutMs).toBe(300_000);
  });

  it("fixtures: config-schema.json is not a config file and is rejected with one clear error", () => {
    expect(() => load("config-schema.json")).toThrow(
      'config-schema.json:1:1: error: models: missing required key "models": expected a mapping of model ids to model settings',
    );
  });
});
