// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
/**
 * Macro expansion for one model: `${MODEL_ID}`, user macros (model macros win over global
 * ones), macros inside macros in any order, with cycles and unknown names reported.
 * `${PORT}` is left in place for the port pass; `${PID}` is left in place where allowed.
 */

export type MacroValue = string | number | boolean;

const MACRO_REF = /\$\{([a-zA-Z0-9_-]+)\}/g;
const WHOLE_REF = /^\$\{([a-zA-Z0-9_-]+)\}$/;

/** A macro problem and the 0-based offset of the `${...}` at fault in the expanded text. */
export interface MacroIssue {
  readonly message: string;
  readonly offset: number;
}

export interface ExpandOptions {
  /** Leave `${PID}` in place (only cmdStop). */
  readonly allowPid: boolean;
}

export class MacroScope {
  private readonly modelId: string;
  private readonly values: ReadonlyMap<string, MacroValue>;

  /** `global` then `local`; a local macro replaces a global one of the same name. */
  constructor(
    modelId: string,
    global: Readonly<Record<string, MacroValue>>,
    local: Readonly<Record<string, MacroValue>>,
  ) {
    this.modelId = modelId;
    this.values = new Map([...Object.entries(global), ...Object.entries(local)]);
  }

  /** Expands every macro reference in `text`; issues name the macro and the chain that led there. */
  text(text: string, options: ExpandOptions, issues: MacroIssue[]): string {
    return text.replace(MACRO_REF, (whole, name: string, offset: number) => {
      const found: string[] = [];
      const value = this.ref(name, [], options, found);
      for (const message of found) issues.push({ message, offset });
      return value ?? whole;
    });
  }

  /**
   * Like `text` inside strings of nested lists and mappings; a string that is exactly one
   * user macro takes the macro's own type (number, boolean).
   */
  value(input: unknown, options: ExpandOptions, issues: MacroIssue[]): unknown {
    if (typeof input === "string") {
      const whole = WHOLE_REF.exec(input);
      const raw = whole ? this.values.get(whole[1]!) : undefined;
      if (raw !== undefined && typeof raw !== "string") return raw;
      return this.text(input, options, issues);
    }
    if (Array.isArray(input)) return input.map((item) => this.value(item, options, issues));
    if (input !== null && typeof input === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[k] = this.value(v, options, issues);
      return out;
    }
    return input;
  }

  /** The expansion of one reference, or undefined to leave it as written. */
  private ref(
    name: string,
    chain: readonly string[],
    options: ExpandOptions,
    issues: string[],
  ): string | undefined {
    if (name === "MODEL_ID") return this.modelId;
    if (name === "PORT") return undefined;
    if (name === "PID") {
      if (!options.allowPid) issues.push(`\${PID} is only available in cmdStop${via(chain)}`);
      return undefined;
    }
    const value = this.values.get(name);
    if (value === undefined) {
      issues.push(`unknown macro \${${name}}${via(chain)}`);
      return undefined;
    }
    if (chain.includes(name)) {
      const cycle = [...chain.slice(chain.indexOf(name)), name].map((n) => `\${${n}}`).join(" -> ");
      issues.push(`macro cycle: ${cycle}`);
      return undefined;
    }
    if (typeof value !== "string") return String(value);
    const next = [...chain, name];
    let failed = false;
    const expanded = value.replace(MACRO_REF, (whole, inner: string) => {
      const result = this.ref(inner, next, options, issues);
      if (result === undefined && inner !== "PORT" && inner !== "PID") failed = true;
      return result ?? whole;
    });
    return failed ? undefined : expanded;
  }
}

function via(chain: readonly string[]): string {
  return chain.length === 0 ? "" : ` (reached through ${chain.map((n) => `\${${n}}`).join(" -> ")})`;
}

/** Replaces `${PORT}` in strings (typed number when a string is exactly `${PORT}`). */
export function fillPort(input: unknown, port: number): unknown {
  if (typeof input === "string")
    return input === "${PORT}" ? port : input.replaceAll("${PORT}", String(port));
  if (Array.isArray(input)) return input.map((item) => fillPort(item, port));
  if (input !== null && typeof input === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = fillPort(v, port);
    return out;
  }
  return input;
}

/** True when `input` (a string or nested value) still contains `${PORT}`. */
export function usesPort(input: unknown): boolean {
  if (typeof input === "string") return input.includes("${PORT}");
  if (Array.isArray(input)) return input.some(usesPort);
  if (input !== null && typeof input === "object") return Object.values(input).some(usesPort);
  return false;
}
