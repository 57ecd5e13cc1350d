import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import type { StoreLog } from "./clickhouse-log.js";
import { assertTableName, elapsedMs, SESSION_SETTINGS } from "./clickhouse-sql.js";
import type { EventStore, QueryParams } from "./event-store.js";

export interface HttpEventStoreOptions {
  /** `http[s]://user:pass@host:8123/database`; the database defaults to `default`. */
  url: string;
  log: StoreLog;
  /** Gzip insert bodies (worth it over a real network; default true). */
  compressRequests?: boolean;
}

const DATABASE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where the URL path names a database, that name; `default` otherwise. */
export function databaseFromUrl(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\/+|\/+$/g, ""));
  if (name === "") return "default";
  if (!DATABASE.test(name))
    throw new Error(`invalid ClickHouse database name in URL: ${JSON.stringify(name)}`);
  return name;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password !== "") u.password = "***";
  return u.toString();
}

/**
 * The event store on a ClickHouse server (or cluster) through @clickhouse/client over HTTP.
 * Creates the URL's database when it does not exist yet.
 */
export async function createHttpEventStore({
  url,
  log,
  compressRequests = true,
}: HttpEventStoreOptions): Promise<EventStore> {
  const database = databaseFromUrl(url);
  const common = {
    clickhouse_settings: { ...SESSION_SETTINGS, wait_end_of_query: 1 as const },
    compression: { request: compressRequests, response: true },
    // Every failure reaches the caller as a rejected promise and is logged there, through pino;
    // the client's own stderr lines would only repeat it unstructured.
    log: { level: ClickHouseLogLevel.OFF },
  };

  if (database !== "default") {
    // The target database may not exist yet, and a client bound to it would fail every call.
    const base = new URL(url);
    base.pathname = "/";
    const admin = createClient({ url: base, database: "default", ...common });
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS \`${database}\`` });
    } finally {
      await admin.close();
    }
  }

  const client: ClickHouseClient = createClient({ url, database, ...common });
  log.info({ url: redact(url), database }, "event store: ClickHouse over HTTP");

  return {
    kind: "http",
    async exec(sql: string, params?: QueryParams) {
      await client.command({ query: sql, query_params: params });
    },
    async query<T>(sql: string, params?: QueryParams) {
      const rs = await client.query({ query: sql, query_params: params, format: "JSONEachRow" });
      return rs.json<T>();
    },
    async queryCompact(sql: string, params?: QueryParams) {
      const rs = await client.query({ query: sql, query_params: params, format: "JSONCompactEachRow" });
      const rows = await rs.json<unknown[]>();
      // With wait_end_of_query the summary header is final: what the whole query read.
      const raw = rs.response_headers["x-clickhouse-summary"];
      const summary = JSON.parse(typeof raw === "string" ? raw : "{}") as Record<string, string | undefined>;
      return {
        rows,
        stats: {
          rows_read: Number(summary.read_rows ?? 0),
          bytes_read: Number(summary.read_bytes ?? 0),
          elapsed_ms: elapsedMs(Number(summary.elapsed_ns ?? 0) / 1e9),
        },
      };
    },
    async insertJsonEachRow(table: string, rows: string | Buffer) {
      assertTableName(table);
      const body = typeof rows === "string" ? Buffer.from(rows) : rows;
      if (body.length === 0) return;
      // client.insert() would JSON.stringify each stream chunk (it expects objects), so the
      // already-serialised rows go as a raw body with exec(): query in the URL, data in the body.
      const res = await client.exec({
        query: `INSERT INTO ${table} FORMAT JSONEachRow`,
        values: Readable.from([body]),
      });
      res.stream.resume();
      await finished(res.stream);
    },
    async insertCompact(table: string, columns: readonly string[], rows: string | Buffer) {
      assertTableName(table);
      for (const c of columns) assertTableName(c);
      const body = typeof rows === "string" ? Buffer.from(rows) : rows;
      if (body.length === 0) return;
      const res = await client.exec({
        query: `INSERT INTO ${table} (${columns.join(", ")}) FORMAT JSONCompactEachRow`,
        values: Readable.from([body]),
      });
      res.stream.resume();
      await finished(res.stream);
    },
    async ping() {
      const r = await client.ping();
      return r.success;
    },
    async close() {
      await client.close();
    },
  };
}
