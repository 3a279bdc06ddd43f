/**
 * The matrix set DSL (llama-swap's `routing.router.settings.matrix.sets`).
 *
 *   expr   := term ('|' term)*          alternatives
 *   term   := factor ('&' factor)*      run together; '&' binds tighter than '|'
 *   factor := name | '+' setName | '(' expr ')'
 *
 * Names are model ids or vars: letters, digits, '-', '.', '_', ':' and '/'. A var wins when its
 * name is also a model id. `+ref` inlines another named set's expression (its alternatives).
 * An expression expands to concrete sets: "(a|b) & c" -> [a,c], [b,c].
 *
 * Errors are data with the 0-based character position at fault, so the config package can
 * point at a file and line. Nothing here throws.
 */
import type { MatrixSetConfig } from "../config.ts";

/** A DSL error: `message` already names the position; `position` is 0-based in the expression. */
export interface SetExpressionError {
  readonly message: string;
  readonly position: number;
}

export type SetExpressionResult =
  | { readonly ok: true; readonly sets: readonly (readonly string[])[] }
  | { readonly ok: false; readonly error: SetExpressionError };

/** One concrete set: a named expression yields one per alternative, all under its name. */
export interface ExpandedSet {
  readonly name: string;
  readonly members: readonly string[];
}

export interface MatrixSetError extends SetExpressionError {
  /** Name of the set whose expression is at fault. */
  readonly set: string;
}

export type ExpandMatrixResult =
  | { readonly ok: true; readonly sets: readonly ExpandedSet[] }
  | { readonly ok: false; readonly errors: readonly MatrixSetError[] };

/** The part of the matrix config the DSL needs. */
export interface MatrixSetsConfig {
  readonly vars: Readonly<Record<string, string>>;
  readonly sets: readonly MatrixSetConfig[];
}

/** Most concrete sets one expression may expand to; beyond it a typo like many ORs ANDed explodes. */
export const MAX_EXPANDED_SETS = 4096;

type Sets = string[][];
type Step<T> = { ok: true; value: T } | { ok: false; error: SetExpressionError };

type TokenKind = "name" | "ref" | "&" | "|" | "(" | ")" | "end";
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly position: number;
}

interface Context {
  readonly vars: Readonly<Record<string, string>>;
  readonly named: ReadonlyMap<string, string>;
  /** Sets being expanded, outermost first, to report reference cycles. */
  readonly stack: readonly string[];
  readonly cache: Map<string, Sets>;
}

const NAME_CHAR = /[\p{L}\p{N}\-._:/]/u;

function fail<T>(message: string, position: number): Step<T> {
  return { ok: false, error: { message, position } };
}

function tokenize(expr: string): Step<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  const readName = (from: number): number => {
    let end = from;
    while (end < expr.length && NAME_CHAR.test(expr[end]!)) end++;
    return end;
  };
  while (i < expr.length) {
    const ch = expr[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "&" || ch === "|" || ch === "(" || ch === ")") {
      tokens.push({ kind: ch, text: ch, position: i });
      i++;
    } else if (ch === "+") {
      const end = readName(i + 1);
      if (end === i + 1) return fail(`expected a set name after '+' at position ${i + 1}`, i + 1);
      tokens.push({ kind: "ref", text: expr.slice(i + 1, end), position: i });
      i = end;
    } else if (NAME_CHAR.test(ch)) {
      const end = readName(i);
      tokens.push({ kind: "name", text: expr.slice(i, end), position: i });
      i = end;
    } else {
      return fail(`unexpected character '${ch}' at position ${i}`, i);
    }
  }
  tokens.push({ kind: "end", text: "", position: expr.length });
  return { ok: true, value: tokens };
}

function describe(token: Token): string {
  if (token.kind === "end") return "end of expression";
  return token.kind === "ref" ? `'+${token.text}'` : `'${token.text}'`;
}

/** Union of members, first appearance first. */
function merge(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  for (const id of b) if (!out.includes(id)) out.push(id);
  return out;
}

/** Drops alternatives that repeat an earlier one (same members in any order). */
function dedupe(sets: Sets): Sets {
  const seen = new Set<string>();
  return sets.filter((set) => {
    const key = JSON.stringify([...set].sort());
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Recursive descent over one expression's tokens; each rule returns its expansion. */
class Parser {
  private index = 0;
  private readonly tokens: readonly Token[];
  private readonly ctx: Context;

  constructor(tokens: readonly Token[], ctx: Context) {
    this.tokens = tokens;
    this.ctx = ctx;
  }

  private peek(): Token {
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  parseAll(): Step<Sets> {
    const result = this.parseExpr();
    if (!result.ok) return result;
    const next = this.peek();
    if (next.kind !== "end") {
      return fail(
        `expected '&', '|' or end of expression at position ${next.position}, found ${describe(next)}`,
        next.position,
      );
    }
    return { ok: true, value: dedupe(result.value) };
  }

  private parseExpr(): Step<Sets> {
    const first = this.parseTerm();
    if (!first.ok) return first;
    let sets = first.value;
    while (this.peek().kind === "|") {
      const bar = this.peek();
      this.index++;
      const next = this.parseTerm();
      if (!next.ok) return next;
      sets = sets.concat(next.value);
      if (sets.length > MAX_EXPANDED_SETS) return tooMany(bar.position);
    }
    return { ok: true, value: sets };
  }

  private parseTerm(): Step<Sets> {
    const first = this.parseFactor();
    if (!first.ok) return first;
    let sets = first.value;
    while (this.peek().kind === "&") {
      const amp = this.peek();
      this.index++;
      const next = this.parseFactor();
      if (!next.ok) return next;
      if (sets.length * next.value.length > MAX_EXPANDED_SETS) return tooMany(amp.position);
      sets = sets.flatMap((left) => next.value.map((right) => merge(left, right)));
    }
    return { ok: true, value: sets };
  }

  private parseFactor(): Step<Sets> {
    const token = this.peek();
    if (token.kind === "name") {
      this.index++;
      const vars = this.ctx.vars;
      return { ok: true, value: [[Object.hasOwn(vars, token.text) ? vars[token.text]! : token.text]] };
    }
    if (token.kind === "ref") {
      this.index++;
      return expandRef(token, this.ctx);
    }
    if (token.kind === "(") {
      this.index++;
      const inner = this.parseExpr();
      if (!inner.ok) return inner;
      const close = this.peek();
      if (close.kind !== ")") {
        return fail(`expected ')' at position ${close.position}, found ${describe(close)}`, close.position);
      }
      this.index++;
      return inner;
    }
    return fail(
      `expected a model name or '(' at position ${token.position}, found ${describe(token)}`,
      token.position,
    );
  }
}

function tooMany<T>(position: number): Step<T> {
  return fail(`too many combinations at position ${position}: more than ${MAX_EXPANDED_SETS} sets`, position);
}

/** Inlines a named set; errors inside it are reported at the `+ref` token of the outer expression. */
function expandRef(token: Token, ctx: Context): Step<Sets> {
  const name = token.text;
  const expr = ctx.named.get(name);
  const at = token.position;
  if (expr === undefined) return fail(`unknown set '${name}' referenced at position ${at}`, at);
  if (ctx.stack.includes(name)) {
    const cycle = [...ctx.stack.slice(ctx.stack.indexOf(name)), name].join(" -> ");
    return fail(`reference cycle at position ${at}: ${cycle}`, at);
  }
  const cached = ctx.cache.get(name);
  if (cached) return { ok: true, value: cached };
  const inner = expand(expr, { ...ctx, stack: [...ctx.stack, name] });
  if (!inner.ok) {
    // A cycle through this set reads best as the cycle itself; other faults name the culprit set.
    const message = inner.error.message.startsWith("reference cycle")
      ? inner.error.message.replace(/at position \d+/, `at position ${at}`)
      : `set '${name}' referenced at position ${at} is invalid: ${inner.error.message}`;
    return fail(message, at);
  }
  ctx.cache.set(name, inner.value);
  return inner;
}

function expand(expr: string, ctx: Context): Step<Sets> {
  const tokens = tokenize(expr);
  if (!tokens.ok) return tokens;
  return new Parser(tokens.value, ctx).parseAll();
}

function namedMap(sets: readonly MatrixSetConfig[]): Map<string, string> {
  const named = new Map<string, string>();
  for (const set of sets) if (!named.has(set.name)) named.set(set.name, set.expr);
  return named;
}

/**
 * Pure. Expands one expression into concrete sets (model ids, vars resolved, duplicates
 * dropped, members in order of first appearance). `namedSets` are the sets `+ref` may name.
 */
export function parseSetExpression(
  expr: string,
  vars: Readonly<Record<string, string>>,
  namedSets: readonly MatrixSetConfig[],
): SetExpressionResult {
  const result = expand(expr, { vars, named: namedMap(namedSets), stack: [], cache: new Map() });
  return result.ok ? { ok: true, sets: result.value } : result;
}

/**
 * Pure. Expands every named set, in definition order; a set's alternatives keep their order.
 * Reports every faulty set (with its name), not just the first.
 */
export function expandMatrix(matrix: MatrixSetsConfig): ExpandMatrixResult {
  const named = namedMap(matrix.sets);
  const cache = new Map<string, Sets>();
  const sets: ExpandedSet[] = [];
  const errors: MatrixSetError[] = [];
  const seen = new Set<string>();
  for (const set of matrix.sets) {
    if (seen.has(set.name)) {
      errors.push({ set: set.name, message: `duplicate set name '${set.name}' at position 0`, position: 0 });
      continue;
    }
    seen.add(set.name);
    const result = expand(set.expr, { vars: matrix.vars, named, stack: [set.name], cache });
    if (!result.ok) {
      errors.push({ set: set.name, ...result.error });
      continue;
    }
    cache.set(set.name, result.value);
    for (const members of result.value) sets.push({ name: set.name, members });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sets };
}
