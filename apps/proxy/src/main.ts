/** Process entry (`pnpm start`, bin/hotswap.js): runs the CLI and exits with its code. */
import { runCli } from "./cli.ts";

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`hotswap: ${(err as Error)?.stack ?? err}\n`);
    process.exit(1);
  },
);
