/**
 * Command strings: comment lines, line continuations, and POSIX-shell-like word splitting.
 */

/** Drops lines whose first non-blank character is "#" (llama-swap's comments in `cmd: |`). */
export function stripComments(cmd: string): string {
  return cmd
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n");
}

/** One-line form: backslash-newline continuations removed, lines trimmed and joined by spaces. */
export function flattenCommand(cmd: string): string {
  return cmd
    .replace(/\\\r?\n/g, "\n")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}

export type SplitResult = { ok: true; argv: string[] } | { ok: false; message: string; offset: number };

/**
 * Splits like a POSIX shell without expansion: blanks and newlines separate words; '...'
 * is literal; "..." is literal except `\` before `$`, `` ` ``, `"`, `\` or newline;
 * outside quotes `\` escapes the next character and backslash-newline joins lines.
 */
export function shellSplit(input: string): SplitResult {
  const argv: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return { ok: false, message: "unterminated single quote", offset: i };
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      const read = readDoubleQuoted(input, i);
      if (!read.ok) return read;
      word += read.text;
      inWord = true;
      i = read.next;
    } else if (ch === "\\") {
      const next = input[i + 1];
      if (next === undefined) return { ok: false, message: "trailing backslash", offset: i };
      if (next !== "\n") {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(word);
  return { ok: true, argv };
}

function readDoubleQuoted(
  input: string,
  start: number,
): { ok: true; text: string; next: number } | { ok: false; message: string; offset: number } {
  let text = "";
  let i = start + 1;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '"') return { ok: true, text, next: i + 1 };
    if (ch === "\\" && i + 1 < input.length && '$`"\\\n'.includes(input[i + 1]!)) {
      if (input[i + 1] !== "\n") text += input[i + 1];
      i += 2;
    } else {
      text += ch;
      i++;
    }
  }
  return { ok: false, message: "unterminated double quote", offset: start };
}
