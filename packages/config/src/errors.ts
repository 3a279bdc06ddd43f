/**
 * Errors thrown by @hotswap/config. Match on `code`, not on the class: the class is lost when
 * an error crosses a thread boundary, the code is not.
 */

import { formatProblem } from "./format.ts";
import type { Problem } from "./types.ts";

/** Base class: every error this package throws carries a stable `code`. */
export class HotswapConfigError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The config file is unreadable, not YAML, or invalid; `problems` lists every problem found. */
export class ConfigError extends HotswapConfigError {
  declare readonly code: "CONFIG_INVALID";
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    const shown = errors.length > 0 ? errors : problems;
    super("CONFIG_INVALID", `invalid configuration:\n${shown.map(formatProblem).join("\n")}`);
    this.problems = problems;
  }
}
