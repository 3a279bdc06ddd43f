/**
 * The top-level members of a JSON object text, as spans: what lets a rewrite edit a few keys
 * and keep every other byte as the client sent it, instead of re-serialising the whole body.
 * For a 20 MB body with an inlined image, `JSON.stringify` alone cost ~45 ms of the rewrite
 * thread (`.scratch` measurements in bench/PROXY-BENCH.md); finding the spans costs ~1 ms,
 * because string contents are skipped with `indexOf`, not walked.
 *
 * Pure. Only for text that `JSON.parse` has accepted: the scanner does not validate, and
 * answers null when the text is not an object (or not what it expects), so the caller can
 * fall back to re-serialising.
 */

export interface MemberSpan {
  /** The key, unescaped. */
  readonly key: string;
  /** Index of the key's opening quote. */
  readonly start: number;
  /** Index of the value's first character. */
  readonly valueStart: number;
  /** Index just past the value. */
  readonly valueEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string token opening at `at` (a quote); -1 if it never closes. */
function stringEnd(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    // The quote closes the string unless an odd run of backslashes escapes it.
    let k = quote - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((quote - 1 - k) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the value starting at `at`; -1 if the text ends first. */
function valueEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return stringEnd(text, at);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let i = at;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = stringEnd(text, i);
        if (i < 0) return -1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  // A number or a literal: up to the next delimiter.
  let i = at;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === 0x2c || d === 0x7d || d === 0x5d || isSpace(d)) break;
    i++;
  }
  return i > at ? i : -1;
}

/** The object's members in order (duplicates included), or null (see the module doc). */
export function topLevelMembers(text: string): MemberSpan[] | null {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return null;
  i++;
  const members: MemberSpan[] = [];
  for (;;) {
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === 0x7d) return members;
    if (members.length > 0) {
      if (c !== 0x2c) return null;
      i = skipSpace(text, i + 1);
    }
    if (text.charCodeAt(i) !== QUOTE) return null;
    const start = i;
    const keyEnd = stringEnd(text, start);
    if (keyEnd < 0) return null;
    const raw = text.slice(start + 1, keyEnd - 1);
    const key = raw.includes("\\") ? (JSON.parse(text.slice(start, keyEnd)) as string) : raw;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) return null;
    const valueStart = skipSpace(text, i + 1);
    const end = valueEnd(text, valueStart);
    if (end < 0) return null;
    members.push({ key, start, valueStart, valueEnd: end });
    i = end;
  }
}
