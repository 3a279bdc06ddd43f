/**
 * Request-body rewriting, pure: find the requested model, then apply the model's filters.
 * Runs inline for small bodies and inside the rewrite worker (piscina) for large ones, so
 * it takes and returns plain, cloneable data only.
 *
 * Order of operations on a JSON object body:
 * 1. `stripParams` deletes keys (never `model`);
 * 2. `setParams` sets keys;
 * 3. `setParamsByID[requested id]` sets keys (requested id = model id or alias as sent);
 * 4. `useModelName` replaces `model`.
 * `model` itself is never touched by steps 1-3.
 *
 * The rewritten text is the original with only the touched members edited (removed, given a
 * new value, or appended): every other byte is forwarded as the client sent it, and a 20 MB
 * body is not re-serialised for the sake of two keys (json-members.ts).
 */
import type { ResolvedConfig } from "@hotswap/config";
import { topLevelMembers } from "./json-members.ts";

export interface ModelRewriteRule {
  readonly useModelName: string | null;
  readonly stripParams: readonly string[];
  readonly setParams: Readonly<Record<string, unknown>>;
  readonly setParamsByID: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** What the rewriter needs to know about the configuration. Plain data (crosses threads). */
export interface RewriteTable {
  /** alias -> model id. */
  readonly aliases: Readonly<Record<string, string>>;
  readonly models: Readonly<Record<string, ModelRewriteRule>>;
}

export type RewriteResult =
  | {
      readonly ok: true;
      /** The id as the client sent it (model id or alias). */
      readonly requested: string;
      /** The configured model it resolves to; null when none matches. */
      readonly model: string | null;
      /** The body asked for a streamed answer (`stream: true`). */
      readonly stream: boolean;
      /** The rewritten body text; null when it is unchanged (forward the original bytes). */
      readonly body: string | null;
    }
  | { readonly ok: false; readonly code: "invalid_json" | "missing_model"; readonly message: string };

/** Builds the table from a resolved configuration (once per config). */
export function rewriteTableFrom(config: ResolvedConfig): RewriteTable {
  const models: Record<string, ModelRewriteRule> = {};
  for (const [id, model] of Object.entries(config.models)) {
    models[id] = {
      useModelName: model.useModelName,
      stripParams: model.filters.stripParams,
      setParams: model.filters.setParams,
      setParamsByID: model.filters.setParamsByID,
    };
  }
  return { aliases: config.aliases, models };
}

/** The configured model id `requested` names (itself or through an alias), or null. */
export function resolveModelId(table: RewriteTable, requested: string): string | null {
  if (Object.hasOwn(table.models, requested)) return requested;
  const target = Object.hasOwn(table.aliases, requested) ? table.aliases[requested] : undefined;
  return target !== undefined && Object.hasOwn(table.models, target) ? target : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sets every key of `params` but `model` on `body` (objects cloned); returns whether any was set. */
function setAll(body: Record<string, unknown>, params: Readonly<Record<string, unknown>>): boolean {
  let changed = false;
  for (const key in params) {
    if (key === "model" || !Object.hasOwn(params, key)) continue;
    const value = params[key];
    // Objects are cloned so a body never shares them with the config; most values
    // (temperature, top_k...) are primitives, and structuredClone cost ~1 us each per request.
    body[key] = typeof value === "object" && value !== null ? structuredClone(value) : value;
    changed = true;
  }
  return changed;
}

/**
 * Applies `rule` to `body` in place (see the module doc for the order). Returns whether
 * anything changed, so an untouched body can be forwarded as the original bytes.
 */
export function applyRule(body: Record<string, unknown>, rule: ModelRewriteRule, requested: string): boolean {
  let changed = false;
  for (const key of rule.stripParams) {
    if (key === "model" || !Object.hasOwn(body, key)) continue;
    delete body[key];
    changed = true;
  }
  if (setAll(body, rule.setParams)) changed = true;
  const byId = Object.hasOwn(rule.setParamsByID, requested) ? rule.setParamsByID[requested] : undefined;
  if (byId && setAll(body, byId)) changed = true;
  if (rule.useModelName !== null && body.model !== rule.useModelName) {
    body.model = rule.useModelName;
    changed = true;
  }
  return changed;
}

/** The keys `rule` may remove or set on a body requested as `requested` (never `model`). */
function ruleKeys(rule: ModelRewriteRule, requested: string): Set<string> {
  const keys = new Set<string>(rule.stripParams);
  for (const key in rule.setParams) keys.add(key);
  const byId = Object.hasOwn(rule.setParamsByID, requested) ? rule.setParamsByID[requested] : undefined;
  if (byId) for (const key in byId) keys.add(key);
  keys.delete("model");
  return keys;
}

/**
 * A rewritten body as pieces in order: a span [start, end) of the original text, or new text.
 * The rewrite thread copies spans straight from the original bytes (rewrite.worker.ts).
 */
export type Piece = string | readonly [start: number, end: number];

/** A rewrite's result with the body as pieces; `pieces` null = the original unchanged. */
export type RewritePlan =
  | (Omit<Extract<RewriteResult, { ok: true }>, "body"> & { readonly pieces: readonly Piece[] | null })
  | Extract<RewriteResult, { ok: false }>;

/**
 * `text` with the members named in `touched` made to match `body` (the parsed text after
 * the rule): the first of a key's members gets its new value, later duplicates and removed
 * keys go, keys new to the body are appended. Other members keep their exact text.
 */
export function spliceMembers(
  text: string,
  body: Record<string, unknown>,
  touched: ReadonlySet<string>,
): Piece[] {
  const members = topLevelMembers(text);
  if (members === null) return [JSON.stringify(body)];
  const pieces: Piece[] = [];
  const written = new Set<string>();
  const separate = (): void => {
    pieces.push(pieces.length === 0 ? "{" : ",");
  };
  for (const m of members) {
    if (!touched.has(m.key)) {
      separate();
      pieces.push([m.start, m.valueEnd]);
      continue;
    }
    if (written.has(m.key) || !Object.hasOwn(body, m.key)) continue;
    written.add(m.key);
    separate();
    pieces.push([m.start, m.valueStart], JSON.stringify(body[m.key]));
  }
  for (const key of touched) {
    if (written.has(key) || !Object.hasOwn(body, key)) continue;
    separate();
    pieces.push(`${JSON.stringify(key)}:${JSON.stringify(body[key])}`);
  }
  if (pieces.length === 0) pieces.push("{");
  pieces.push("}");
  return pieces;
}

/** The text the pieces make. */
export function joinPieces(text: string, pieces: readonly Piece[]): string {
  let out = "";
  for (const p of pieces) out += typeof p === "string" ? p : text.slice(p[0], p[1]);
  return out;
}

/** Pure. Parses a JSON request body, resolves its model and plans its rewrite. */
export function planRewrite(text: string, table: RewriteTable): RewritePlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: "invalid_json", message: (err as Error).message };
  }
  if (!isPlainObject(parsed) || typeof parsed.model !== "string" || parsed.model === "") {
    return { ok: false, code: "missing_model", message: "request body has no string `model`" };
  }
  const requested = parsed.model;
  const stream = parsed.stream === true;
  const model = resolveModelId(table, requested);
  const rule = model === null ? undefined : table.models[model];
  if (!rule) return { ok: true, requested, model, stream, pieces: null };
  const renamed = rule.useModelName !== null && parsed.model !== rule.useModelName;
  if (!applyRule(parsed, rule, requested)) return { ok: true, requested, model, stream, pieces: null };
  const touched = ruleKeys(rule, requested);
  if (renamed) touched.add("model");
  return { ok: true, requested, model, stream, pieces: spliceMembers(text, parsed, touched) };
}

/** Pure. Parses a JSON request body, resolves its model and rewrites it. */
export function rewriteJsonText(text: string, table: RewriteTable): RewriteResult {
  const plan = planRewrite(text, table);
  if (!plan.ok) return plan;
  // Field by field, not a rest/spread pair: this runs for every small JSON request.
  const body = plan.pieces === null ? null : joinPieces(text, plan.pieces);
  return { ok: true, requested: plan.requested, model: plan.model, stream: plan.stream, body };
}
