/**
 * Maps key paths in a parsed YAML document to 1-based line:column positions.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";

export type PathSegment = string | number;

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Finds positions of keys and values; falls back to the deepest existing ancestor. */
export class Locator {
  private readonly doc: Document | null;
  private readonly lines: LineCounter;

  constructor(doc: Document | null, lines: LineCounter) {
    this.doc = doc;
    this.lines = lines;
  }

  /** Position of the value at `path` (`at: "key"`: of its key in the parent mapping). */
  locate(path: readonly PathSegment[], at: "key" | "value" = "value"): Position {
    let node: unknown = this.doc?.contents ?? null;
    let best: unknown = node;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
        if (!pair) break;
        if (last && at === "key") return this.pos(pair.key ?? pair.value);
        best = pair.key ?? best;
        node = pair.value;
        if (node) best = node;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg];
        if (!item) break;
        node = item;
        best = item;
      } else {
        break;
      }
    }
    return this.pos(best);
  }

  /** Position of a character offset inside a scalar string value at `path`, when it is a plain one-line scalar. */
  locateInside(path: readonly PathSegment[], offset: number): Position {
    const base = this.locate(path);
    const node = this.doc?.getIn(path as PathSegment[], true);
    if (
      isScalar(node) &&
      (node.type === "PLAIN" || node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")
    ) {
      const source = typeof node.source === "string" ? node.source : String(node.value);
      const quote = node.type === "PLAIN" ? 0 : 1;
      if (!source.includes("\n")) return { line: base.line, column: base.column + quote + offset };
    }
    return base;
  }

  private pos(node: unknown): Position {
    const range = (node as Node | null)?.range;
    if (!range) return { line: 1, column: 1 };
    const p = this.lines.linePos(range[0]);
    return { line: p.line, column: p.col };
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** Key path of `node` from a `yaml` visitor's ancestor chain. */
export function pathOf(ancestors: readonly unknown[], node: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  const chain = [...ancestors, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i] as { items?: unknown[] };
    const child = chain[i + 1];
    if (!parent || !Array.isArray(parent.items)) continue;
    const index = parent.items.indexOf(child);
    const item = parent.items[index] as { key?: unknown } | undefined;
    if (item && typeof item === "object" && "key" in item) path.push(keyText(item.key));
    else if (index >= 0) path.push(index);
  }
  return path;
}
