/**
 * The built-in demo configuration (no --config): three fake upstreams with startup delays,
 * in llama-swap's default group (one model at a time), so swapping, queueing and loading
 * progress can be watched with curl. Produced as YAML text so it goes through the same
 * parser as a user's file.
 */

export interface DemoConfigOptions {
  /** The Node binary that runs the fake upstream (must strip TS types: Node 24). */
  readonly nodePath: string;
  readonly fakeUpstreamPath: string;
  /** One free port per demo model, in `DEMO_MODELS` order. */
  readonly ports: readonly number[];
}

interface DemoModel {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly startupDelayMs: number;
  readonly flags: string;
  readonly aliases: readonly string[];
}

export const DEMO_MODELS: readonly DemoModel[] = [
  {
    id: "fast",
    name: "Fast demo model",
    description: "fake upstream, 1.5 s to load",
    startupDelayMs: 1500,
    flags: "--chunks 8 --chunk-interval 100",
    aliases: ["demo"],
  },
  {
    id: "slow",
    name: "Slow demo model",
    description: "fake upstream, 4 s to load, slow stream",
    startupDelayMs: 4000,
    flags: "--chunks 12 --chunk-interval 250",
    aliases: [],
  },
  {
    id: "embed",
    name: "Embedding demo model",
    description: "fake upstream, 0.5 s to load",
    startupDelayMs: 500,
    flags: "",
    aliases: [],
  },
];

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Pure. The demo config as llama-swap YAML. */
export function demoConfigText(options: DemoConfigOptions): string {
  const lines = [
    "# hotswap demo: fake upstreams, one loaded at a time (llama-swap's default group).",
    "logLevel: info",
    "healthCheckTimeout: 30",
    "sendLoadingState: true",
    "models:",
  ];
  DEMO_MODELS.forEach((model, i) => {
    const port = options.ports[i];
    if (port === undefined) throw new RangeError(`demo config needs ${DEMO_MODELS.length} ports`);
    const cmd = [
      quote(options.nodePath),
      quote(options.fakeUpstreamPath),
      `--host 127.0.0.1 --port ${port} --name ${model.id}`,
      `--startup-delay ${model.startupDelayMs} --log-lines 2`,
      model.flags,
    ]
      .filter((part) => part !== "")
      .join(" ");
    lines.push(
      `  ${JSON.stringify(model.id)}:`,
      `    name: ${JSON.stringify(model.name)}`,
      `    description: ${JSON.stringify(model.description)}`,
      `    cmd: ${JSON.stringify(cmd)}`,
      `    proxy: ${JSON.stringify(`http://127.0.0.1:${port}`)}`,
      "    ttl: 120",
    );
    if (model.aliases.length > 0)
      lines.push(`    aliases: [${model.aliases.map((a) => JSON.stringify(a)).join(", ")}]`);
  });
  return `${lines.join("\n")}\n`;
}

/** Pure. The banner printed (to stderr) when the demo config is used. */
export function demoBanner(url: string): string {
  return [
    "",
    "hotswap demo: no --config given, serving fake models fast, slow, embed (alias demo -> fast).",
    "Try:",
    `  curl ${url}/v1/models`,
    `  curl ${url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"fast","messages":[{"role":"user","content":"hi"}]}'`,
    `  curl -N ${url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"slow","stream":true,"messages":[{"role":"user","content":"hi"}]}'`,
    `  curl ${url}/running`,
    `  curl ${url}/unload`,
    `  curl -N ${url}/logs/stream`,
    "",
  ].join("\n");
}
