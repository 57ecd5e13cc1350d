/**
 * One behaviour suite for the event store, run against every adapter (chDB directly, and
 * @clickhouse/client through the fake ClickHouse server). Each adapter's test file calls it once,
 * in its own process, because libchdb binds one data directory per process.
 */
import { describe, expect, it } from "vitest";
import type { Event, ModSecRow } from "../ingest/event.js";
import { EVENT_COLUMNS, eventRow } from "../ingest/normalise.js";
import { silentLog } from "../storage/clickhouse-log.js";
import { migrateEventStore } from "../storage/clickhouse-migrate.js";
import { applyRetention, type RetentionConfig } from "../storage/clickhouse-retention.js";
import type { EventStore } from "../storage/event-store.js";
import { EVENT_MIGRATIONS } from "../storage/migrations/events/index.js";

export interface EventStoreHarness {
  /** Opens the store (migrated, retention applied) on the same data every time. */
  open(retention: RetentionConfig): Promise<EventStore>;
  /** Restarts whatever holds the data (the fake server), when there is such a thing. */
  restartEngine?(): Promise<void>;
}

const DEFAULT_RETENTION = { eventsDays: 30, modsecDays: 30 };

/** A DateTime64(3) read back as ClickHouse text ("YYYY-MM-DD hh:mm:ss.sss", UTC) → ms since epoch. */
export function msFromClickHouse(text: unknown): number {
  return Date.parse(`${String(text).replace(" ", "T")}Z`);
}

let seq = 0;
function uuid(): string {
  seq++;
  return `01900000-0000-7000-8000-${seq.toString(16).padStart(12, "0")}`;
}

export function sampleEvent(over: Partial<Event> = {}): Event {
  return {
    event_id: uuid(),
    timestamp: Date.now() - 60_000,
    site: "paris-hq",
    source_type: "sophos",
    sender: "192.0.2.10",
    log_type: "WAF",
    category: "Web",
    sub_category: "SQLi",
    severity: "high",
    mitre_technique: "T1190",
    src_ip: "203.0.113.7",
    dst_ip: "198.51.100.2",
    src_port: 51234,
    dst_port: 443,
    protocol: "TCP",
    action: "drop",
    rule_id: "942100",
    rule_name: "SQL Injection Attack Detected via libinjection",
    hostname: "www.example.org",
    user_name: "",
    url: "/login?id=1' OR '1'='1",
    http_method: "GET",
    http_status: 403,
    user_agent: "sqlmap/1.7",
    geo_country: "FR",
    geo_city: "Paris",
    geo_asn: 3215,
    geo_org: "Orange",
    geo_lat: 48.8566,
    geo_lon: 2.3522,
    message: "SQL injection blocked",
    reason: "anomaly score 15",
    raw_log: 'device="SFW" log_type="WAF" msg="blocked"',
    modsec_rule_ids: ["942100", "949110"],
    modsec_messages: ["SQL Injection Attack", "Inbound Anomaly Score Exceeded"],
    unique_id: "ZfRk3Qp1AAAAAAAAAAAAAA",
    sophos_id: "075000617",
    device_serial: "X21000ABCDEF",
    parse_error: "",
    event_type: "sql_injection",
    metadata: { waf_policy: "strict", "ports[]": "[443]" },
    ...over,
  };
}

export function sampleModSec(over: Partial<ModSecRow> = {}): ModSecRow {
  return {
    id: uuid(),
    timestamp: Date.now() - 60_000,
    site: "paris-hq",
    unique_id: "ZfRk3Qp1AAAAAAAAAAAAAA",
    src_ip: "2001:db8::42",
    src_port: 40000,
    hostname: "www.example.org",
    uri: "/search?q=<script>",
    rule_id: "941100",
    rule_file: "REQUEST-941-APPLICATION-ATTACK-XSS.conf",
    rule_msg: "XSS Attack Detected via libinjection",
    rule_severity: "CRITICAL",
    rule_data: "Matched Data: XSS data found within ARGS:q: <script>",
    crs_version: "OWASP_CRS/3.3.4",
    paranoia_level: 1,
    attack_type: "xss",
    anomaly_score: 5,
    total_score: 10,
    is_blocking: true,
    tags: ["application-multi", "attack-xss", "OWASP_CRS"],
    raw_log: '[id "941100"] [msg "XSS"]',
    ...over,
  };
}

const jsonEachRow = (rows: readonly object[]): string => rows.map((r) => JSON.stringify(r)).join("\n");

async function showCreate(store: EventStore, table: "events" | "modsec_logs"): Promise<string> {
  const rows = await store.query<{ statement: string }>(`SHOW CREATE TABLE ${table}`);
  return rows[0]?.statement ?? "";
}

/** Registers the shared behaviour tests. `harness.open` must always reach the same data. */
export function eventStoreSuite(name: string, harness: EventStoreHarness): void {
  describe(`event store (${name})`, () => {
    let store: EventStore;
    const full = sampleEvent({
      src_ip: "2001:db8:85a3::8a2e:370:7334",
      dst_ip: "fe80::1",
      message: 'Zugriff verweigert — 拒绝访问 — 🚫 <b>"quoted"</b>',
      geo_city: "Zürich",
      raw_log: `${"x".repeat(1024 * 1024 - 5)}é末🚫`,
      modsec_rule_ids: ["920350", "942100", "949110"],
      modsec_messages: ["Host header is a numeric IP address", 'it\'s "SQLi"\n\tnewline', ""],
    });

    it("applies every migration once on a fresh store, and nothing on a second run", async () => {
      store = await harness.open(DEFAULT_RETENTION);
      const rows = await store.query<{ version: number; n: number }>(
        "SELECT version, count() AS n FROM schema_migrations GROUP BY version ORDER BY version",
      );
      expect(rows).toEqual([
        { version: 1, n: 1 },
        { version: 2, n: 1 },
        { version: 3, n: 1 },
        { version: 4, n: 1 },
        { version: 5, n: 1 },
      ]);
      expect(await migrateEventStore(store, silentLog)).toEqual([]);
      const tables = await store.query<{ name: string }>(
        "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name",
      );
      expect(tables.map((t) => t.name)).toEqual([
        "events",
        "modsec_logs",
        "retention_state",
        "schema_migrations",
      ]);
    });

    it("reads an event back field by field: IPv6, UTF-8, a 1 MB raw_log, arrays", async () => {
      await store.insertJsonEachRow("events", `${jsonEachRow([full])}\n`);
      const [row] = await store.query<Record<string, unknown>>(
        "SELECT * FROM events WHERE event_id = {id:UUID}",
        {
          id: full.event_id,
        },
      );
      expect(row).toBeDefined();
      const back = { ...row, timestamp: msFromClickHouse(row?.timestamp) } as Record<string, unknown>;
      for (const [key, value] of Object.entries(full)) {
        if (key === "geo_lat" || key === "geo_lon") expect(back[key]).toBeCloseTo(value as number, 3);
        else expect(back[key], key).toEqual(value);
      }
      expect(String(row?.raw_log).length).toBe(full.raw_log.length);
      expect(msFromClickHouse(row?.ingested_at)).toBeGreaterThan(Date.now() - 120_000);
    });

    it("takes the ingest path's compact rows, and keeps a backfilled old event for the full retention", async () => {
      const old = {
        ...full,
        event_id: "01890000-0000-7000-8000-0000000000aa",
        timestamp: Date.UTC(2017, 0, 31, 12),
      };
      await store.insertCompact("events", EVENT_COLUMNS, `${eventRow(old)}\n`);
      const [row] = await store.query<Record<string, unknown>>(
        "SELECT * FROM events WHERE event_id = {id:UUID}",
        { id: old.event_id },
      );
      expect(msFromClickHouse(row?.timestamp)).toBe(old.timestamp);
      expect(row?.raw_log).toBe(old.raw_log);
      expect(row?.modsec_rule_ids).toEqual(old.modsec_rule_ids);
      expect(row?.src_ip).toBe(old.src_ip);
    });

    it("stores ModSecurity rows and finds them by unique_id", async () => {
      const hits = [sampleModSec(), sampleModSec({ rule_id: "949110", is_blocking: false, tags: [] })];
      await store.insertJsonEachRow("modsec_logs", Buffer.from(jsonEachRow(hits)));
      const rows = await store.query<Record<string, unknown>>(
        "SELECT * FROM modsec_logs WHERE unique_id = {u:String} ORDER BY rule_id",
        { u: hits[0]?.unique_id ?? "" },
      );
      expect(rows).toHaveLength(2);
      const first = rows[0] ?? {};
      for (const [key, value] of Object.entries(hits[0] ?? {})) {
        if (key === "timestamp") expect(msFromClickHouse(first.timestamp)).toBe(value);
        else if (key === "is_blocking") expect(first.is_blocking).toBe(1);
        else expect(first[key], key).toEqual(value);
      }
      expect(rows[1]?.is_blocking).toBe(0);
      expect(rows[1]?.tags).toEqual([]);
    });

    it("treats parameters with quotes, backslashes and SQL-looking text as data", async () => {
      const nasty = [
        "x' OR '1'='1",
        "'); DROP TABLE events; --",
        "back\\slash \\' \\\\n",
        "tab\there\nnew line\r\n",
        "{evil:String} $1 ? %s",
      ];
      for (const s of nasty) {
        const [echo] = await store.query<{ s: string }>("SELECT {s:String} AS s", { s });
        expect(echo?.s).toBe(s);
      }
      const events = nasty.map((message) => sampleEvent({ message, rule_id: message }));
      await store.insertJsonEachRow("events", jsonEachRow(events));
      for (const e of events) {
        const rows = await store.query<{ event_id: string }>(
          "SELECT event_id FROM events WHERE message = {m:String}",
          {
            m: e.message,
          },
        );
        expect(rows.map((r) => r.event_id)).toEqual([e.event_id]);
      }
      const inList = await store.query<{ n: number }>(
        "SELECT count() AS n FROM events WHERE has({ids:Array(String)}, rule_id)",
        {
          ids: nasty.slice(0, 3),
        },
      );
      expect(inList[0]?.n).toBe(3);
      expect(
        (
          await store.query("SELECT count() AS n FROM events WHERE has({ids:Array(String)}, rule_id)", {
            ids: nasty,
          })
        )[0],
      ).toEqual({ n: 5 });
    });

    it("filters by CIDR with isIPAddressInRange over IPv4 and IPv6 in one column", async () => {
      // "" (no address) is common in dst_ip/src_ip and isIPAddressInRange throws on it: guard first.
      const ips = ["10.1.2.3", "10.1.200.9", "10.2.0.1", "2001:db8::1", "2001:db9::1", ""];
      await store.insertJsonEachRow(
        "events",
        jsonEachRow(ips.map((src_ip) => sampleEvent({ src_ip, site: "cidr" }))),
      );
      const inRange = async (cidr: string) =>
        (
          await store.query<{ src_ip: string }>(
            "SELECT src_ip FROM events WHERE site = 'cidr' AND src_ip != '' AND isIPAddressInRange(src_ip, {cidr:String}) ORDER BY src_ip",
            { cidr },
          )
        ).map((r) => r.src_ip);
      expect(await inRange("10.1.0.0/16")).toEqual(["10.1.2.3", "10.1.200.9"]);
      expect(await inRange("2001:db8::/32")).toEqual(["2001:db8::1"]);
      expect(await inRange("0.0.0.0/0")).toEqual(["10.1.2.3", "10.1.200.9", "10.2.0.1"]);
    });

    it("works in UTC: time parameters and text times are UTC whatever the machine's zone", async () => {
      const at = Date.UTC(2026, 0, 1, 0, 0, 0, 250);
      const now = Date.now() - 3_600_000;
      const e = sampleEvent({ timestamp: now, site: "utc" });
      await store.insertJsonEachRow("events", jsonEachRow([e]));
      const [r] = await store.query<{ t: string; h: number; n: number }>(
        "SELECT {t:DateTime64(3)} AS t, toHour(toDateTime64({t:DateTime64(3)}, 3)) AS h, (SELECT count() FROM events WHERE site = 'utc' AND timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND timestamp <= {to:DateTime64(3)}) AS n",
        {
          t: "2026-01-01 00:00:00.250",
          from: now,
          to: new Date(now).toISOString().replace("T", " ").replace("Z", ""),
        },
      );
      expect(msFromClickHouse(r?.t)).toBe(at);
      expect(r?.h).toBe(0);
      expect(r?.n).toBe(1);
    });

    it("answers hour-aligned statistics from the projections, with the same figures as the rows", async () => {
      const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
      const mix = [
        sampleEvent({ site: "stats", timestamp: hour + 1000, severity: "high", src_ip: "198.51.100.1" }),
        sampleEvent({ site: "stats", timestamp: hour + 2000, severity: "high", src_ip: "198.51.100.1" }),
        sampleEvent({
          site: "stats",
          timestamp: hour + 3000,
          severity: "low",
          action: "allow",
          src_ip: "2001:db8::9",
        }),
        sampleEvent({ site: "stats", timestamp: hour + 3_600_000, log_type: "IPS", src_ip: "198.51.100.2" }),
        sampleEvent({ site: "stats", timestamp: hour + 3_600_000, log_type: "IPS", src_ip: "" }),
      ];
      await store.insertJsonEachRow("events", jsonEachRow(mix));
      const hours = `toStartOfHour(timestamp) >= toStartOfHour({from:DateTime64(3)})
        AND toStartOfHour(timestamp) <= toStartOfHour({to:DateTime64(3)}) AND site = {site:String}`;
      const params = {
        from: new Date(hour).toISOString().slice(0, 19).replace("T", " "),
        to: "2100-01-01 00:00:00",
        site: "stats",
      };
      const counts = `SELECT log_type, severity, action, count() AS n FROM events WHERE ${hours}
        GROUP BY log_type, severity, action ORDER BY log_type, severity, action`;
      const ips = `SELECT uniqCombined(12)(nullIf(src_ip, '')) AS ips FROM events WHERE ${hours}`;
      const byProjection = await store.query(counts, params);
      expect(byProjection).toEqual(
        await store.query(`${counts} SETTINGS optimize_use_projections = 0`, params),
      );
      expect(byProjection).toEqual([
        { log_type: "IPS", severity: "high", action: "drop", n: 2 },
        { log_type: "WAF", severity: "high", action: "drop", n: 2 },
        { log_type: "WAF", severity: "low", action: "allow", n: 1 },
      ]);
      expect(await store.query(ips, params)).toEqual([{ ips: 3 }]);
      const plan = async (sql: string) =>
        (await store.query<{ explain: string }>(`EXPLAIN ${sql}`, params)).map((p) => p.explain).join("\n");
      expect(await plan(counts)).toContain("p_counts");
      expect(await plan(ips)).toContain("p_src_ips");
    });

    it("has the default 30-day TTL on both tables", async () => {
      expect(await showCreate(store, "events")).toContain("TTL toDateTime(ingested_at) + toIntervalDay(30)");
      expect(await showCreate(store, "modsec_logs")).toContain(
        "TTL toDateTime(ingested_at) + toIntervalDay(30)",
      );
    });

    it("reports errors as rejected promises carrying ClickHouse's message", async () => {
      await expect(store.query("SELECT * FROM no_such_table")).rejects.toThrow(/no_such_table/);
      await expect(store.exec("SELEC 1")).rejects.toThrow(/Syntax error/i);
      expect(await store.ping()).toBe(true);
    });

    it("answers rows as arrays in select order with what the query read, and a failed query leaves nothing behind", async () => {
      const r = await store.queryCompact(
        "SELECT {a:String} AS z, toUInt64(2) AS a, [1, 2] AS m FROM numbers(3) LIMIT 2",
        {
          a: "it's",
        },
      );
      expect(r.rows).toEqual([
        ["it's", 2, [1, 2]],
        ["it's", 2, [1, 2]],
      ]);
      expect(r.stats.rows_read).toBeGreaterThan(0);
      expect(r.stats.elapsed_ms).toBeGreaterThanOrEqual(0);
      // What the query read, not what it returned.
      const counted = await store.queryCompact("SELECT count() FROM numbers(1000)");
      expect(counted.rows).toEqual([[1000]]);
      expect(counted.stats.rows_read).toBe(1000);
      expect(counted.stats.bytes_read).toBe(8000);
      await expect(store.queryCompact("SELECT match('a', {p:String})", { p: "((" })).rejects.toThrow(
        /re2|regexp/i,
      );
      expect((await store.queryCompact("SELECT 42")).rows).toEqual([[42]]);
      // A query that fails after its first rows: neither a query running beside it nor the next
      // one gets those rows in front of its own answer.
      const failing = store.queryCompact(
        "SELECT number, throwIf(number = 300000) FROM numbers(400000) SETTINGS max_block_size = 1000",
      );
      const beside = store.query<{ x: number }>("SELECT 7 AS x");
      await expect(failing).rejects.toThrow(/throwIf|non-zero/);
      expect(await beside).toEqual([{ x: 7 }]);
      expect(await store.query<{ x: number }>("SELECT 8 AS x")).toEqual([{ x: 8 }]);
      expect((await store.queryCompact("SELECT 9")).rows).toEqual([[9]]);
    });

    it("rejects a batch with a malformed row as a whole, and ignores fields it does not know", async () => {
      const good = sampleEvent({ site: "batch" });
      const bad = `${JSON.stringify(good)}\n${JSON.stringify({ ...sampleEvent({ site: "batch" }), src_port: "not a port" })}\n`;
      await expect(store.insertJsonEachRow("events", bad)).rejects.toThrow(/src_port|parse|Cannot/i);
      await expect(
        store.insertJsonEachRow("events", '{"event_id": "00000000-0000-7000-8000-000000000000",\n'),
      ).rejects.toThrow();
      expect(await store.query("SELECT count() AS n FROM events WHERE site = 'batch'")).toEqual([{ n: 0 }]);
      await store.insertJsonEachRow("events", JSON.stringify({ ...good, a_future_field: 1 }));
      expect(await store.query("SELECT count() AS n FROM events WHERE site = 'batch'")).toEqual([{ n: 1 }]);
      await expect(store.insertJsonEachRow("events; DROP TABLE events", "{}")).rejects.toThrow(
        /invalid table/,
      );
    });

    it("keeps serving under concurrent inserts and reads", async () => {
      const batches = Array.from({ length: 8 }, (_, b) =>
        jsonEachRow(
          Array.from({ length: 500 }, (_, i) => sampleEvent({ site: "load", src_port: b * 1000 + i })),
        ),
      );
      await Promise.all([
        ...batches.map((b) => store.insertJsonEachRow("events", b)),
        ...batches.map(() => store.query("SELECT count() FROM events")),
      ]);
      expect((await store.query("SELECT count() AS n FROM events WHERE site = 'load'"))[0]).toEqual({
        n: 4000,
      });
    });

    it("keeps its data across close and reopen, and changes retention only when the setting changes", async () => {
      const before = await store.query<{ n: number }>("SELECT count() AS n FROM events");
      await store.close();
      await harness.restartEngine?.();
      store = await harness.open({ eventsDays: 7, modsecDays: 90 });
      expect(await store.query("SELECT count() AS n FROM events")).toEqual(before);
      expect(await showCreate(store, "events")).toContain("toIntervalDay(7)");
      expect(await showCreate(store, "modsec_logs")).toContain("toIntervalDay(90)");
      // Same values again: nothing to ALTER. A different one: only that table.
      expect(await applyRetention(store, { eventsDays: 7, modsecDays: 90 }, silentLog)).toEqual([]);
      expect(await applyRetention(store, { eventsDays: 14, modsecDays: 90 }, silentLog)).toEqual(["events"]);
      expect(await showCreate(store, "events")).toContain("toIntervalDay(14)");
      await expect(applyRetention(store, { eventsDays: 0, modsecDays: 90 }, silentLog)).rejects.toThrow(
        /retention/,
      );
      const versions = await store.query("SELECT count() AS n FROM schema_migrations");
      expect(versions).toEqual([{ n: EVENT_MIGRATIONS.length }]);
      await store.close();
    });
  });
}
