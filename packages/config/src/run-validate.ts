/**
 * `validate FILE`: prints every problem as "file:line:column: severity: path: message".
 * Shared by `hotswap-config validate` and the proxy's `hotswap validate`.
 */
import { ConfigError } from "./errors.ts";
import { formatProblem } from "./format.ts";
import { loadConfig } from "./load.ts";

export interface ValidateIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** Source of `${env.NAME}`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** `argv` is what follows "validate". Resolves to the exit code: 0 valid, 1 errors, 2 usage. */
export async function runValidate(argv: readonly string[], io: ValidateIo): Promise<number> {
  const files = argv.filter((a) => !a.startsWith("-"));
  if (files.length !== 1 || argv.length !== 1) {
    io.stderr("usage: validate FILE");
    return 2;
  }
  const file = files[0]!;
  try {
    const { config, warnings } = await loadConfig(file, io.env ? { env: io.env } : {});
    for (const w of warnings) io.stdout(formatProblem(w));
    const count = Object.keys(config.models).length;
    io.stdout(
      `${file}: valid, ${count} model${count === 1 ? "" : "s"}, ${plural(warnings.length, "warning")}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of error.problems) io.stdout(formatProblem(p));
    const errors = error.problems.filter((p) => p.severity === "error").length;
    io.stdout(
      `${file}: invalid, ${plural(errors, "error")}, ${plural(error.problems.length - errors, "warning")}`,
    );
    return 1;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
