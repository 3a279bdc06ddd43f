/**
 * `${env.NAME}` substitution, done on the parsed YAML document before anything else (as
 * llama-swap does it before everything else), so every later step sees the values.
 */
import { type Document, visit } from "yaml";
import { pathOf } from "./locate.ts";
import type { ProblemList } from "./problems.ts";

const ENV_MACRO = /\$\{env\.([a-zA-Z_][a-zA-Z0-9_]*)\}/g;
const WHOLE_ENV_MACRO = /^\$\{env\.([a-zA-Z_][a-zA-Z0-9_]*)\}$/;

/**
 * Replaces `${env.NAME}` in every string value of `doc` (not in keys). A plain scalar that is
 * exactly one env macro takes the YAML type of the value (`port: ${env.P}` with P=80 -> 80),
 * matching llama-swap's text-level substitution. Unset variables are errors.
 */
export function substituteEnv(
  doc: Document,
  env: Readonly<Record<string, string | undefined>>,
  problems: ProblemList,
): void {
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("${env.")) return;
      const path = pathOf(ancestors, node);
      const text = node.value;
      let missing = false;
      const replaced = text.replace(ENV_MACRO, (whole, name: string, offset: number) => {
        const value = Object.hasOwn(env, name) ? env[name] : undefined;
        if (value !== undefined) return value;
        missing = true;
        problems.errorInside(path, offset, `environment variable ${name} is not set (used as ${whole})`);
        return whole;
      });
      if (missing) return;
      if (node.type === "PLAIN" && WHOLE_ENV_MACRO.test(text)) node.value = typedScalar(replaced);
      else node.value = replaced;
    },
  });
}

function typedScalar(text: string): unknown {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}
