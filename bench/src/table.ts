/**
 * Aligned plain-text tables for bench output: text columns left-aligned, numeric columns
 * right-aligned, one header row and a rule under it.
 */

export interface Column {
  readonly header: string;
  /** "right" for numbers. */
  readonly align: "left" | "right";
}

/** Pure. Renders `rows` (already formatted cells) under `columns`. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? "";
        return c.align === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join("\n");
}

/** Fixed decimals, for table cells. */
export function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}
