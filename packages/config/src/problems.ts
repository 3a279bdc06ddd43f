/**
 * Collects problems with their file positions, so a whole file is checked in one pass.
 */
import type { Locator, PathSegment, Position } from "./locate.ts";
import type { Problem } from "./types.ts";

export class ProblemList {
  readonly file: string;
  readonly items: Problem[] = [];
  private readonly locator: Locator;
  private readonly seen = new Set<string>();

  constructor(file: string, locator: Locator) {
    this.file = file;
    this.locator = locator;
  }

  error(path: readonly PathSegment[], message: string, at: "key" | "value" = "value"): void {
    this.add("error", path, message, this.locator.locate(path, at));
  }

  warning(path: readonly PathSegment[], message: string, at: "key" | "value" = "value"): void {
    this.add("warning", path, message, this.locator.locate(path, at));
  }

  /** An error at a character offset inside the string value at `path`. */
  errorInside(path: readonly PathSegment[], offset: number, message: string): void {
    this.add("error", path, message, this.locator.locateInside(path, offset));
  }

  at(severity: Problem["severity"], path: readonly PathSegment[], message: string, pos: Position): void {
    this.add(severity, path, message, pos);
  }

  hasErrors(): boolean {
    return this.items.some((p) => p.severity === "error");
  }

  /** Problems ordered by position (stable for equal positions). */
  sorted(): Problem[] {
    return [...this.items].sort((a, b) => a.line - b.line || a.column - b.column);
  }

  private add(
    severity: Problem["severity"],
    path: readonly PathSegment[],
    message: string,
    pos: Position,
  ): void {
    const dotted = path.join(".");
    const key = `${severity}|${dotted}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ file: this.file, line: pos.line, column: pos.column, path: dotted, message, severity });
  }
}
