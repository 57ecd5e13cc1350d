/**
 * A test-only ClickHouse HTTP server backed by chDB, so @clickhouse/client can be exercised end to
 * end without a ClickHouse install. It speaks what the client sends: /ping, `query` in the URL or the
 * body, `param_<name>` bound server-side, `database`, settings as URL parameters, INSERT data in the
 * body, gzip both ways, and ClickHouse-shaped errors. Requests run one at a time on one chDB session
 * (settings and USE are session state).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { drainPending, type RawInsertFormat, Session } from "chdb";
import { parseParamValue, placeholderTypes } from "./fake-clickhouse-params.js";

export interface FakeClickHouse {
  /** `http://default:@127.0.0.1:<port>` (append `/<database>` to choose one). */
  url: string;
  close(): Promise<void>;
}

export interface FakeClickHouseOptions {
  dataDir: string;
  /** Told once about each URL parameter the server does not interpret (applied as a setting). */
  onUnknownParam?: (name: string) => void;
}

/** URL parameters that are not settings, or HTTP-transport settings this server handles itself. */
const TRANSPORT_PARAMS = new Set([
  "query",
  "query_id",
  "database",
  "default_format",
  "session_id",
  "session_timeout",
  "user",
  "password",
  "enable_http_compression",
  "wait_end_of_query",
  "send_progress_in_http_headers",
  "http_headers_progress_interval_ms",
  "http_zlib_compression_level",
]);
/** Settings the client sends that the engine understands as plain session settings. */
const KNOWN_SETTINGS = new Set([
  "session_timezone",
  "output_format_json_quote_64bit_integers",
  "date_time_input_format",
]);
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INSERT_WITH_DATA =
  /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?([`"]?[A-Za-z0-9_]+[`"]?(?:\.[`"]?[A-Za-z0-9_]+[`"]?)?)\s*(?:\(([^)]*)\))?\s*FORMAT\s+(\w+)\s*$/i;
const FORMAT_CLAUSE = /\bFORMAT\s+(\w+)\s*;?\s*$/i;

class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function sqlString(v: string): string {
  return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function unquote(id: string): string {
  return id.replace(/[`"]/g, "");
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const encoding = req.headers["content-encoding"];
  if (encoding === "gzip") return gunzipSync(body);
  if (encoding !== undefined && encoding !== "identity") {
    throw new HttpError(
      2,
      `Code: 2. DB::Exception: Unsupported Content-Encoding ${encoding}. (NOT_IMPLEMENTED)`,
    );
  }
  return body;
}

function errorText(err: unknown): { code: number; text: string } {
  const message = err instanceof Error ? err.message : String(err);
  const fromText = /Code: (\d+)/.exec(message);
  const chdbCode = (err as { clickhouseCode?: unknown }).clickhouseCode;
  const code =
    err instanceof HttpError
      ? err.code
      : typeof chdbCode === "number"
        ? chdbCode
        : Number(fromText?.[1] ?? 1000);
  const text = fromText
    ? message.slice(fromText.index)
    : `Code: ${code}. DB::Exception: ${message}. (UNKNOWN)`;
  return { code, text };
}

export async function startFakeClickHouse({
  dataDir,
  onUnknownParam,
}: FakeClickHouseOptions): Promise<FakeClickHouse> {
  const session = new Session(dataDir);
  const applied = new Map<string, string>();
  const seenUnknown = new Set<string>();
  let currentDb = ""; // unknown until the first request sets it
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  async function applySettings(url: URL): Promise<void> {
    for (const [name, value] of url.searchParams) {
      if (TRANSPORT_PARAMS.has(name) || name.startsWith("param_")) continue;
      if (!KNOWN_SETTINGS.has(name) && !seenUnknown.has(name)) {
        seenUnknown.add(name);
        (onUnknownParam ?? ((n: string) => console.info(`[fake-clickhouse] unhandled URL parameter: ${n}`)))(
          name,
        );
      }
      if (!SETTING_NAME.test(name))
        throw new HttpError(115, `Code: 115. DB::Exception: Unknown setting ${name}. (UNKNOWN_SETTING)`);
      if (applied.get(name) === value) continue;
      const literal = /^-?\d+(\.\d+)?$/.test(value) ? value : sqlString(value);
      await session.queryAsync(`SET ${name} = ${literal}`);
      applied.set(name, value);
    }
  }

  async function useDatabase(db: string): Promise<void> {
    if (db === currentDb) return;
    await session.queryAsync(`USE \`${db.replace(/`/g, "")}\``);
    currentDb = db;
  }

  async function execute(
    url: URL,
    body: Buffer,
  ): Promise<{ data: Uint8Array; format: string; rows: number; bytes?: number }> {
    await applySettings(url);
    const database = url.searchParams.get("database") ?? "default";
    await useDatabase(database);
    const urlQuery = url.searchParams.get("query");
    const insert = urlQuery === null ? null : INSERT_WITH_DATA.exec(urlQuery);
    if (insert) {
      const [, table = "", columns, format = ""] = insert;
      // chDB's raw insert does not follow USE, so the table is qualified here.
      const name = unquote(table);
      const summary = await session.insert({
        table: name.includes(".") ? name : `${database}.${name}`,
        values: body,
        // chDB checks the name against its own whitelist and rejects other formats.
        format: format as RawInsertFormat,
        ...(columns ? { columns: columns.split(",").map((c) => unquote(c.trim())) } : {}),
      });
      return { data: new Uint8Array(), format, rows: summary.rowsWritten };
    }
    const sql = urlQuery === null ? body.toString("utf8") : `${urlQuery}\n${body.toString("utf8")}`;
    if (sql.trim() === "") throw new HttpError(62, "Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)");
    const types = placeholderTypes(sql);
    const params: Record<string, unknown> = {};
    for (const [name, raw] of url.searchParams) {
      if (!name.startsWith("param_")) continue;
      const key = name.slice("param_".length);
      params[key] = parseParamValue(raw, types.get(key) ?? "String");
    }
    const format = FORMAT_CLAUSE.exec(sql)?.[1] ?? url.searchParams.get("default_format") ?? "TabSeparated";
    // chDB's rowsRead counts the rows returned, while a server's summary header says what the query
    // read. JSONCompact's statistics block carries that, so JSONCompactEachRow (the workbench's
    // format) is run as JSONCompact and its rows written out one per line, as the server would.
    if (format === "JSONCompactEachRow") {
      const whole = await session.queryBindAsync(sql.replace(FORMAT_CLAUSE, ""), params, {
        format: "JSONCompact",
      });
      const doc = JSON.parse(Buffer.from(whole.bytes()).toString("utf8")) as {
        data: unknown[];
        statistics?: { rows_read?: number; bytes_read?: number };
      };
      const lines = doc.data.map((row) => `${JSON.stringify(row)}\n`).join("");
      return {
        data: new TextEncoder().encode(lines),
        format,
        rows: doc.statistics?.rows_read ?? doc.data.length,
        bytes: doc.statistics?.bytes_read ?? 0,
      };
    }
    const result = await session.queryBindAsync(sql, params, { format });
    return { data: result.bytes(), format, rows: result.rowsRead };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (
      url.pathname === "/ping" ||
      (url.pathname === "/" && req.method === "GET" && !url.searchParams.has("query"))
    ) {
      res.writeHead(200, { "Content-Type": "text/plain; charset=UTF-8" }).end("Ok.\n");
      return;
    }
    const queryId = url.searchParams.get("query_id") ?? crypto.randomUUID();
    try {
      const body = await readBody(req);
      const out = await exclusive(() =>
        execute(url, body).catch(async (err: unknown) => {
          // libchdb hands what a failed query had already output to the next query on the session
          // (a ClickHouse server has no such leak): a throw-away query takes it.
          await session.queryBindAsync("SELECT 1", {}, { format: "TabSeparated" }).catch(() => undefined);
          throw err;
        }),
      );
      const gzip =
        url.searchParams.get("enable_http_compression") === "1" &&
        /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
      const payload = gzip ? gzipSync(out.data) : Buffer.from(out.data);
      res.writeHead(200, {
        "Content-Type": "text/plain; charset=UTF-8",
        "X-ClickHouse-Query-Id": queryId,
        "X-ClickHouse-Format": out.format,
        "X-ClickHouse-Summary": JSON.stringify({
          read_rows: String(out.rows),
          read_bytes: String(out.bytes ?? 0),
          written_rows: "0",
        }),
        ...(gzip ? { "Content-Encoding": "gzip" } : {}),
      });
      res.end(payload);
    } catch (err) {
      const { code, text } = errorText(err);
      res
        .writeHead(500, {
          "Content-Type": "text/plain; charset=UTF-8",
          "X-ClickHouse-Query-Id": queryId,
          "X-ClickHouse-Exception-Code": String(code),
        })
        .end(`${text}\n`);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://default:@127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      session.close();
      await drainPending();
    },
  };
}
