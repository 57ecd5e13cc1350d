/**
 * The result as files and the client-side sort. Pure functions over the rows the workbench fetched.
 * A streamed export of the full result (past the row limit, with progress) is a later step; this one
 * writes what the page holds.
 */

export interface ResultColumn {
  name: string;
  type: string;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: readonly ResultColumn[], rows: readonly unknown[][]): string {
  const lines = [columns.map((c) => csvField(c.name)).join(",")];
  for (const row of rows) lines.push(columns.map((_, i) => csvField(cellText(row[i]))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** One JSON object per line, keyed by column name. */
export function toNdjson(columns: readonly ResultColumn[], rows: readonly unknown[][]): string {
  return rows.map((row) => `${JSON.stringify(rowObject(columns, row))}\n`).join("");
}

export function rowObject(
  columns: readonly ResultColumn[],
  row: readonly unknown[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    out[c.name] = row[i] ?? null;
  });
  return out;
}

export interface SortState {
  column: number;
  dir: "asc" | "desc";
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return cellText(a).localeCompare(cellText(b), undefined, { numeric: true });
}

/** Rows sorted by one column (a copy; empty values last either way); the original order when none. */
export function sortRows(rows: readonly unknown[][], sort: SortState | null): unknown[][] {
  if (!sort) return [...rows];
  const sign = sort.dir === "asc" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      const a = x.row[sort.column];
      const b = y.row[sort.column];
      const empty = (v: unknown) => v === null || v === undefined;
      if (empty(a) !== empty(b)) return empty(a) ? 1 : -1;
      return sign * compare(a, b) || x.index - y.index;
    })
    .map((x) => x.row);
}

export { cellText };
