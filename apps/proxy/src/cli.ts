/**
 * Command line: `hotswap [--config FILE] [--listen HOST:PORT] [--watch-config] [--state-dir DIR]`,
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
    .exitOverride()
    .action((opts: { config?: string; listen: string; watchConfig: boolean; stateDir?: string }) => {
      result = serve({
        listen: opts.listen,
        watchConfig: opts.watchConfig,
        ...(opts.config === undefined ? {} : { config: opts.config }),
        ...(opts.stateDir === undefined ? {} : { stateDir: opts.stateDir }),
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
