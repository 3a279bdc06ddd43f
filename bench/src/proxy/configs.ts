/**
 * llama-swap YAML configs for the proxy benches. Pure: each returns config text; ports and
 * paths come from the caller. Every model gets `concurrencyLimit` (llama-swap's default is
 * 10 parallel requests per model, which would cap c=64/256 and 1,000 streams).
 */

export interface BenchModel {
  readonly id: string;
  /** argv of the model server; joined into one shell-quoted `cmd`. */
  readonly argv: readonly string[];
  readonly port: number;
  readonly checkEndpoint?: string;
  readonly concurrencyLimit?: number;
  /** `filters.stripParams` (comma-separated in llama-swap). */
  readonly stripParams?: readonly string[];
  readonly setParams?: Readonly<Record<string, unknown>>;
}

export interface BenchConfig {
  readonly models: readonly BenchModel[];
  readonly logLevel?: "debug" | "info" | "warn" | "error";
  readonly preload?: readonly string[];
  /** Puts every model in one swap group (one loaded at a time). */
  readonly swapGroup?: boolean;
  readonly healthCheckTimeoutS?: number;
}

/** Pure. POSIX single-quote quoting, as llama-swap's command splitter accepts it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const str = (value: string): string => JSON.stringify(value);

function modelLines(model: BenchModel): string[] {
  const lines = [
    `  ${str(model.id)}:`,
    `    cmd: ${str(model.argv.map(shellQuote).join(" "))}`,
    `    proxy: ${str(`http://127.0.0.1:${model.port}`)}`,
    `    checkEndpoint: ${str(model.checkEndpoint ?? "/health")}`,
    `    concurrencyLimit: ${model.concurrencyLimit ?? 4096}`,
  ];
  if (model.stripParams !== undefined || model.setParams !== undefined) {
    lines.push("    filters:");
    if (model.stripParams !== undefined)
      lines.push(`      stripParams: ${str(model.stripParams.join(", "))}`);
    if (model.setParams !== undefined) lines.push(`      setParams: ${JSON.stringify(model.setParams)}`);
  }
  return lines;
}

/** Pure. The config text. */
export function configYaml(config: BenchConfig): string {
  const lines = [
    "# written by @hotswap/bench (proxy benches)",
    `logLevel: ${config.logLevel ?? "info"}`,
    `healthCheckTimeout: ${config.healthCheckTimeoutS ?? 60}`,
    "models:",
    ...config.models.flatMap(modelLines),
  ];
  if (config.preload !== undefined && config.preload.length > 0) {
    lines.push("hooks:", "  on_startup:", `    preload: ${JSON.stringify(config.preload)}`);
  }
  if (config.swapGroup === true) {
    lines.push(
      "groups:",
      '  "bench-swap":',
      "    swap: true",
      "    exclusive: true",
      `    members: ${JSON.stringify(config.models.map((m) => m.id))}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
