/**
 * The event store: ClickHouse SQL, embedded (chDB) or remote (@clickhouse/client over HTTP).
 * One interface, one dialect, one set of migrations. Values always travel as server-side parameters
 * (`{ip:String}`, `{from:DateTime64(3)}`), never spliced into the SQL text.
 */
export type QueryParams = Record<string, string | number | boolean | null | readonly (string | number)[]>;

export interface EventStore {
  readonly kind: "chdb" | "http";
  /** Run a statement that returns nothing (DDL, ALTER, OPTIMIZE...). */
  exec(sql: string, params?: QueryParams): Promise<void>;
  /** Run a SELECT and return its rows as objects (JSONEachRow). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Insert rows already serialised as JSONEachRow (one JSON object per line). */
  insertJsonEachRow(table: string, rows: string | Buffer): Promise<void>;
  /** Cheap liveness check, for /health and /api/v1/status. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
