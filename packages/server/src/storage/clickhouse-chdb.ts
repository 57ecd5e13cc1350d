import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { drainPending, Session } from "chdb";
import type { StoreLog } from "./clickhouse-log.js";
import { assertTableName, parseJsonCompact, parseJsonEachRow, SESSION_SETTINGS } from "./clickhouse-sql.js";
import type { EventStore, QueryParams } from "./event-store.js";

export interface ChdbEventStoreOptions {
  /** The Vigil data directory; the event store lives in `<dataDir>/events`. */
  dataDir: string;
  log: StoreLog;
}

/**
 * The embedded event store: ClickHouse in-process through chDB.
 * libchdb binds one data directory per process, so a process holds at most one of these.
 */
export function createChdbEventStore({ dataDir, log }: ChdbEventStoreOptions): EventStore {
  const path = join(dataDir, "events");
  mkdirSync(path, { recursive: true });
  const connectionArgs = [
    ...Object.entries(SESSION_SETTINGS).map(([k, v]) => `--${k}=${v}`),
    ...(process.env.VIGIL_CHDB_ARGS ?? "").split(" ").filter(Boolean),
  ];
  const session = new Session(path, { connectionArgs });
  // Queries written by users (the KQL workbench) get a session of their own, one at a time, and a
  // throw-away query after any failure: libchdb hands the output a failed query had already produced
  // (a limit or an error hit after its first rows) to the next query on the same session, even one
  // started concurrently (seen with chdb 3.4). Here it can only reach that throw-away query, never
  // another request's answer. Opened on first use; it shares the data directory and its tables.
  let adhoc: Session | null = null;
  let adhocChain: Promise<unknown> = Promise.resolve();
  log.info({ path }, "event store: chDB session opened");

  // Every operation in flight, so close() can wait for them: closing a busy connection aborts libchdb.
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  // Takes a thunk so nothing reaches the closed session (its own rejection would go unhandled).
  const track = <T>(start: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error("event store is closed"));
    const p = start();
    inFlight.add(p);
    const forget = () => inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };

  // A query that fails after its output began (a limit hit mid-way) leaves that output in libchdb's
  // buffer, in front of the next answer; row-per-line formats have no header to leave, so only they are used.
  const execute = (sql: string, params: QueryParams | undefined, format: string) => {
    // chdb runs parameterised queries one at a time process-wide (libchdb's parameter state is not
    // per-connection), so statements without parameters take the unchained path.
    const opts = { format };
    return track(() =>
      params === undefined || Object.keys(params).length === 0
        ? session.queryAsync(sql, opts)
        : session.queryBindAsync(sql, params, opts),
    );
  };
  const run = async (sql: string, params: QueryParams | undefined): Promise<string> =>
    (await execute(sql, params, "JSONEachRow")).text();

  return {
    kind: "chdb",
    async exec(sql, params) {
      await run(sql, params);
    },
    async query<T>(sql: string, params?: QueryParams) {
      return parseJsonEachRow<T>(await run(sql, params));
    },
    async queryCompact(sql: string, params?: QueryParams) {
      const once = async () => {
        adhoc ??= new Session(path, { connectionArgs });
        const own = adhoc;
        // JSONCompact: its `statistics` are what the query read (the result object's rowsRead and
        // bytesRead count the rows and bytes it returned). Its header is why this session drains.
        const opts = { format: "JSONCompact" };
        try {
          return await (params === undefined || Object.keys(params).length === 0
            ? own.queryAsync(sql, opts)
            : own.queryBindAsync(sql, params, opts));
        } catch (err) {
          await own.queryAsync("SELECT 1", { format: "CSV" }).catch(() => undefined);
          throw err;
        }
      };
      const result = await track(() => {
        const p = adhocChain.then(once, once);
        adhocChain = p.catch(() => undefined);
        return p;
      });
      return parseJsonCompact(result.text());
    },
    async insertJsonEachRow(table, rows) {
      assertTableName(table);
      const values = typeof rows === "string" ? Buffer.from(rows) : rows;
      if (values.length === 0) return;
      await track(() => session.insert({ table, values, format: "JSONEachRow" }));
    },
    async insertCompact(table, columns, rows) {
      assertTableName(table);
      for (const c of columns) assertTableName(c);
      const values = typeof rows === "string" ? Buffer.from(rows) : rows;
      if (values.length === 0) return;
      await track(() => session.insert({ table, values, format: "JSONCompactEachRow", columns }));
    },
    async ping() {
      try {
        await run("SELECT 1", undefined);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight]);
      adhoc?.close();
      session.close();
      await drainPending();
      log.info({ path }, "event store: chDB session closed");
    },
  };
}
