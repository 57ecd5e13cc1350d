import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseParamValue, placeholderTypes, unescapeText } from "./fake-clickhouse-params.js";
import { type FakeClickHouse, startFakeClickHouse } from "./fake-clickhouse-server.js";

describe("fake ClickHouse HTTP server", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "vigil-fake-ch-"));
  let server: FakeClickHouse;
  let base: string;
  const unknown: string[] = [];

  beforeAll(async () => {
    server = await startFakeClickHouse({
      dataDir,
      onUnknownParam: (p) => unknown.push(p),
    });
    const u = new URL(server.url);
    base = `http://${u.host}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers /ping like ClickHouse", async () => {
    const res = await fetch(`${base}/ping`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Ok.\n");
  });

  it("runs a query from the URL or the body, with default_format and param_ binding", async () => {
    const inUrl = await fetch(
      `${base}/?query=${encodeURIComponent("SELECT {n:UInt8} + 1 AS v")}&param_n=41&default_format=JSONEachRow`,
    );
    expect(await inUrl.text()).toBe('{"v":42}\n');
    const inBody = await fetch(`${base}/?param_s=${encodeURIComponent("it\\'s\\ta")}`, {
      method: "POST",
      body: "SELECT {s:String} AS s FORMAT JSONEachRow",
    });
    expect(await inBody.json()).toEqual({ s: "it's\ta" });
  });

  it("inserts the body when the URL holds INSERT ... FORMAT, gzip both ways, into the named database", async () => {
    await fetch(`${base}/`, { method: "POST", body: "CREATE DATABASE IF NOT EXISTS d1" });
    await fetch(`${base}/?database=d1`, {
      method: "POST",
      body: "CREATE TABLE t (a String, b UInt32) ENGINE = MergeTree ORDER BY a",
    });
    const insert = await fetch(
      `${base}/?database=d1&query=${encodeURIComponent("INSERT INTO t FORMAT JSONEachRow")}`,
      {
        method: "POST",
        headers: { "Content-Encoding": "gzip" },
        body: gzipSync('{"a":"x","b":1}\n{"a":"y","b":2}\n'),
      },
    );
    expect(insert.status).toBe(200);
    // fetch decompresses by itself: the header shows the body travelled gzipped.
    const res = await fetch(`${base}/?database=d1&enable_http_compression=1`, {
      method: "POST",
      headers: { "Accept-Encoding": "gzip" },
      body: "SELECT sum(b) AS s FROM t FORMAT JSONEachRow",
    });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(await res.text()).toBe('{"s":3}\n');
  });

  it("reports errors as HTTP 500 with Code: N and the exception-code header", async () => {
    const res = await fetch(`${base}/`, { method: "POST", body: "SELECT * FROM nowhere" });
    expect(res.status).toBe(500);
    expect(res.headers.get("x-clickhouse-exception-code")).toBe("60");
    expect(await res.text()).toMatch(/^Code: 60\. DB::Exception: .*nowhere/);
  });

  it("serves @clickhouse/client: ping, command, insert, query, typed errors, settings", async () => {
    const client = createClient({
      url: server.url,
      clickhouse_settings: { session_timezone: "UTC" },
      log: { level: ClickHouseLogLevel.OFF },
    });
    expect((await client.ping()).success).toBe(true);
    await client.command({
      query: "CREATE TABLE c (ts DateTime64(3, 'UTC'), tags Array(String)) ENGINE = MergeTree ORDER BY ts",
    });
    await client.insert({
      table: "c",
      values: [{ ts: "2026-01-02 03:04:05.678", tags: ["a'b", "c\\d"] }],
      format: "JSONEachRow",
    });
    const rs = await client.query({
      query: "SELECT ts, tags FROM c WHERE has(tags, {t:String}) AND hasAny(tags, {any:Array(String)})",
      query_params: { t: "a'b", any: ["zz", "c\\d"] },
      format: "JSONEachRow",
    });
    expect(await rs.json()).toEqual([{ ts: "2026-01-02 03:04:05.678", tags: ["a'b", "c\\d"] }]);
    await expect(client.query({ query: "SELECT nope FROM c" })).rejects.toMatchObject({ code: "47" });
    await client.close();
    expect(unknown).toEqual([]);
  });
});

describe("query parameter decoding", () => {
  it("reads placeholder types and undoes ClickHouse escaping", () => {
    expect(placeholderTypes("SELECT {a:String}, { b : Array(String) }")).toEqual(
      new Map([
        ["a", "String"],
        ["b", "Array(String)"],
      ]),
    );
    expect(unescapeText("a\\'b\\\\c\\td\\ne")).toBe("a'b\\c\td\ne");
    expect(parseParamValue("\\N", "Nullable(String)")).toBeNull();
    expect(parseParamValue("['x\\'y',NULL,'z\\\\']", "Array(Nullable(String))")).toEqual([
      "x'y",
      null,
      "z\\",
    ]);
    expect(parseParamValue("[1,2,[3]]", "Array(UInt8)")).toEqual([1, 2, [3]]);
  });
});
