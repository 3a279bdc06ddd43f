/**
 * Command line: `hotswap [--config FILE] [--listen HOST:PORT] [--watch-config] [--state-dir DIR]
 * [--inline-body-threshold BYTES]`,
 * `hotswap validate FILE`, `--help`, `--version`. Resolves to the process exit code:
 * 0 ok, 1 failure (bad config, failed shutdown), 2 usage.
 */
import { readFileSync } from "node:fs";
import { runValidate } from "@hotswap/config";
import { Command, CommanderError } from "commander";
import { serve } from "./serve.ts";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

interface CliOptions {
  readonly config?: string;
  readonly listen: string;
  readonly watchConfig: boolean;
  readonly stateDir?: string;
  readonly inlineBodyThreshold?: number;
}

/** A byte count (a non-negative integer) or "inf"; a RangeError becomes exit code 2. */
export function parseThreshold(text: string): number {
  if (text.trim().toLowerCase() === "inf") return Number.POSITIVE_INFINITY;
  const bytes = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(`--inline-body-threshold wants a byte count or "inf", got "${text}"`);
  }
  return bytes;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(0);
  const program = new Command("hotswap")
    .description(
      "Runs local LLM servers on demand and swaps them by the request's model (llama-swap compatible).",
    )
    .version(version(), "-v, --version")
    .option("-c, --config <file>", "llama-swap YAML config (default: a built-in demo with fake models)")
    .option("-l, --listen <host:port>", "address to listen on", "127.0.0.1:8080")
    .option("-w, --watch-config", "reload the config when the file changes", false)
    .option(
      "--state-dir <dir>",
      "where to record spawned processes for orphan sweeps (default: under the temp dir)",
    )
    .option(
      "--inline-body-threshold <bytes>",
      "JSON bodies at least this big are rewritten off the main thread (default 262144; 'inf' = never)",
      parseThreshold,
    )
    .exitOverride()
    .action((opts: CliOptions) => {
      result = serve({
        listen: opts.listen,
        watchConfig: opts.watchConfig,
        ...(opts.config === undefined ? {} : { config: opts.config }),
        ...(opts.stateDir === undefined ? {} : { stateDir: opts.stateDir }),
        ...(opts.inlineBodyThreshold === undefined
          ? {}
          : { inlineBodyThresholdBytes: opts.inlineBodyThreshold }),
      });
    });
  program
    .command("validate <file>")
    .description("check a config file and print every problem")
    .action((file: string) => {
      result = runValidate([file], {
        stdout: (line) => process.stdout.write(`${line}\n`),
        stderr: (line) => process.stderr.write(`${line}\n`),
      });
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return await result;
  } catch (err) {
    // Help and version exit 0; any other commander complaint is a usage error (2).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof RangeError) {
      process.stderr.write(`hotswap: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
