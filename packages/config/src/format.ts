import type { Problem } from "./types.ts";

/** "file:line:column: error: path: message" (path omitted when it is the whole document). */
export function formatProblem(p: Problem): string {
  const where = p.path === "" ? "" : `${p.path}: `;
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${where}${p.message}`;
}

/** Short, single-line rendering of a found value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const text = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(text);
  }
  return String(value);
}
