/**
 * Pieces shared by both ClickHouse adapters, so chDB and a ClickHouse server answer alike.
 */

/**
 * Session settings both adapters apply:
 * - UTC, whatever the machine's TZ: DateTime text in and out, `toStartOfDay`, parameters.
 * - 64-bit integers as JSON numbers (counts, sums), not quoted strings: callers get `number`.
 * - best-effort DateTime parsing, so inserts may carry ms numbers or ISO-8601 text.
 */
export const SESSION_SETTINGS = {
  session_timezone: "UTC",
  output_format_json_quote_64bit_integers: 0,
  date_time_input_format: "best_effort",
} as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Table names are spliced into INSERT statements, so only plain (optionally db-qualified) identifiers pass. */
export function assertTableName(table: string): void {
  if (!IDENTIFIER.test(table)) throw new Error(`invalid table name: ${JSON.stringify(table)}`);
}

/** Parses JSONEachRow text (one object per line) in a single JSON.parse. */
export function parseJsonEachRow<T>(text: string): T[] {
  const body = text.trim();
  if (body === "") return [];
  return JSON.parse(`[${body.split("\n").join(",")}]`) as T[];
}

/** Seconds (as ClickHouse reports them) → milliseconds, to a hundredth. */
export function elapsedMs(seconds: number): number {
  return Math.round(seconds * 100_000) / 100;
}

/** A JSONCompact answer: rows as arrays, and the `statistics` ClickHouse appends (what it read). */
export function parseJsonCompact(text: string): {
  rows: unknown[][];
  stats: { rows_read: number; bytes_read: number; elapsed_ms: number };
} {
  const body = JSON.parse(text) as {
    data?: unknown[][];
    statistics?: { elapsed?: number; rows_read?: number; bytes_read?: number };
  };
  const st = body.statistics ?? {};
  return {
    rows: body.data ?? [],
    stats: {
      rows_read: Number(st.rows_read ?? 0),
      bytes_read: Number(st.bytes_read ?? 0),
      elapsed_ms: elapsedMs(Number(st.elapsed ?? 0)),
    },
  };
}
