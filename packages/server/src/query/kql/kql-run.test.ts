import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent, makeModSec, toJsonEachRow } from "../../events/test-events.js";
import type { Event } from "../../ingest/event.js";
import { silentLog } from "../../storage/clickhouse-log.js";
import type { EventStore } from "../../storage/event-store.js";
import { createEventStore } from "../../storage/event-store-factory.js";
import { fuzzParameters } from "../../test-support/fuzz.js";
import type { CompileOptions } from "./compile.js";
import { KqlError } from "./errors.js";
import { KqlRunError, runErrorOf, runKql } from "./run.js";
import { EVENT_CLICKHOUSE_TYPES, MODSEC_CLICKHOUSE_TYPES, TABLES } from "./schema.js";

/** The compiled SQL against real ClickHouse (chDB): what it answers, not only that it parses. */
const NOW = Date.now();
const MIN = 60_000;
const dir = mkdtempSync(join(tmpdir(), "vigil-kql-run-"));
let store: EventStore;

const options = (o: Partial<CompileOptions> = {}): CompileOptions => ({
  from: NOW - 24 * 3600_000,
  to: NOW + 1,
  now: NOW + 1,
  limit: 500,
  ...o,
});
const run = (q: string, o: Partial<CompileOptions> = {}) => runKql(store, q, options(o));

const IPS = { "198.51.100.1": 15, "198.51.100.2": 10, "198.51.100.3": 5 } as const;

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  const events: Event[] = [];
  let k = 0;
  for (const [ip, n] of Object.entries(IPS)) {
    for (let i = 0; i < n; i++) {
      events.push(
        makeEvent({ src_ip: ip, timestamp: NOW - ++k * MIN, action: "drop", log_type: "Firewall" }),
      );
    }
  }
  // Noise that the Done-when query must not count: allowed traffic, another log type.
  events.push(makeEvent({ src_ip: "198.51.100.1", action: "allow", timestamp: NOW - 2 * MIN }));
  events.push(
    makeEvent({ src_ip: "198.51.100.2", log_type: "WAF", action: "drop", timestamp: NOW - 3 * MIN }),
  );
  events.push(
    makeEvent({
      severity: "high",
      log_type: "ATP",
      message: "Phishing URL blocked",
      src_ip: "10.1.2.3",
      url: "http://evil.example/login.php",
      user_name: "Alice",
      timestamp: NOW - 5 * MIN,
      modsec_rule_ids: ["942100"],
    }),
  );
  // Another site's event, and one outside the time range.
  events.push(
    makeEvent({
      site: "lyon",
      src_ip: "203.0.113.66",
      message: "lyon phish",
      severity: "high",
      timestamp: NOW - MIN,
    }),
  );
  events.push(makeEvent({ src_ip: "198.51.100.9", timestamp: NOW - 3 * 24 * 3600_000 }));
  await store.insertJsonEachRow("events", toJsonEachRow(events));
  await store.insertJsonEachRow(
    "modsec_logs",
    toJsonEachRow([
      makeModSec({ unique_id: "r1", timestamp: NOW - MIN, anomaly_score: 5, is_blocking: true }),
      makeModSec({ unique_id: "r2", timestamp: NOW - 2 * MIN, rule_id: "941100", attack_type: "xss" }),
    ]),
  );
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("KQL on the event store", () => {
  it("knows every column of events and modsec_logs, with the table's own type", async () => {
    for (const [table, types] of [
      ["events", EVENT_CLICKHOUSE_TYPES],
      ["modsec_logs", MODSEC_CLICKHOUSE_TYPES],
    ] as const) {
      const described = await store.query<{ name: string; type: string }>(`DESCRIBE TABLE ${table}`);
      expect(Object.keys(types).sort(), table).toEqual(described.map((c) => c.name).sort());
      for (const c of described) {
        const actual = c.type
          .replace(/^LowCardinality\((.*)\)$/, "$1")
          .replace(/^DateTime64\(3, 'UTC'\)$/, "DateTime64(3)");
        const declared =
          types[c.name as keyof typeof types] === "Flag" ? "UInt8" : types[c.name as keyof typeof types];
        expect(actual, `${table}.${c.name}`).toBe(declared);
      }
    }
  });

  it("counts 30 firewall drops from three IPs (15, 10, 5) and answers the top two", async () => {
    const r = await run(
      'Events | where log_type == "Firewall" and action == "drop" | summarize n = count() by src_ip | sort by n desc | take 2',
    );
    expect(r.columns).toEqual([
      { name: "src_ip", type: "string" },
      { name: "n", type: "long" },
    ]);
    expect(r.rows).toEqual([
      ["198.51.100.1", 15],
      ["198.51.100.2", 10],
    ]);
    expect(r.truncated).toBe(false);
    expect(r.stats.rows_read).toBeGreaterThan(0);
    expect(r.stats.bytes_read).toBeGreaterThan(0);
  });

  it("treats an injection attempt as a value: no rows", async () => {
    const r = await run(`Events | where src_ip == "1' OR '1'='1" | take 5`);
    expect(r.rows).toEqual([]);
    const r2 = await run(
      `Events | where src_ip == '1\\' OR \\'1\\'=\\'1' or message == "'; DROP TABLE events; --"`,
    );
    expect(r2.rows).toEqual([]);
    expect((await run("Events | count")).rows).toEqual([[34]]);
  });

  it("runs the seed's SecurityEvent query", async () => {
    const r = await run('SecurityEvent | where severity == "high" and message contains "phish" | limit 50');
    expect(r.rows).toHaveLength(2);
    const scoped = await run(
      'SecurityEvent | where severity == "high" and message contains "phish" | limit 50',
      {
        sites: ["paris"],
      },
    );
    const site = scoped.columns.findIndex((c) => c.name === "site");
    expect(scoped.rows.map((row) => row[site])).toEqual(["paris"]);
  });

  it("never returns another site's rows, whatever the query asks", async () => {
    for (const q of [
      'Events | where site == "lyon"',
      'Events | where true or site == "lyon" | project site',
      "Events | summarize count() by site",
      "Events | distinct site",
      'Events | take 1000 | where site != "paris" | project site',
    ]) {
      const r = await run(q, { sites: ["paris"] });
      expect(JSON.stringify(r.rows), q).not.toContain("lyon");
    }
    expect((await run("Events | count", { sites: [] })).rows).toEqual([[0]]);
  });

  it("keeps to the time range and marks a capped result truncated", async () => {
    expect((await run('Events | where src_ip == "198.51.100.9"')).rows).toEqual([]);
    const r = await run("Events | sort by timestamp asc", { limit: 3 });
    expect(r.rows).toHaveLength(3);
    expect(r.truncated).toBe(true);
    const ts = r.columns.findIndex((c) => c.name === "timestamp");
    expect(r.rows[0]?.[ts]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((await run("Events | take 3", { limit: 3 })).truncated).toBe(false);
  });

  it("keeps a sort through later where, project and take", async () => {
    const r = await run(
      'Events | where log_type == "Firewall" | sort by timestamp asc | take 20 | where src_ip != "198.51.100.3" | project src_ip | take 2',
    );
    // The oldest Firewall events are 198.51.100.3's (written last, furthest back), then .2's.
    expect(r.rows).toEqual([["198.51.100.2"], ["198.51.100.2"]]);
  });

  it("answers each operator and function of the subset with Kusto's meaning", async () => {
    const one = async (q: string) => (await run(q)).rows;
    expect(await one('Events | where url has "login" | project user_name')).toEqual([["Alice"]]);
    expect(await one('Events | where url has "login.php" | count')).toEqual([[1]]);
    expect(await one('Events | where url has "logi" | count')).toEqual([[0]]);
    expect(await one('Events | where message contains "PHISHING" | count')).toEqual([[1]]);
    expect(await one('Events | where message contains_cs "PHISH" | count')).toEqual([[0]]);
    expect(await one('Events | where url startswith "HTTP://EVIL" and url endswith ".PHP" | count')).toEqual([
      [1],
    ]);
    expect(await one('Events | where user_name =~ "alice" and user_name !~ "bob" | count')).toEqual([[1]]);
    expect(await one('Events | where user_name matches regex "^A.i" | count')).toEqual([[1]]);
    expect(await one('Events | where src_ip in ("198.51.100.3", "x") | count')).toEqual([[5]]);
    expect(await one('Events | where src_ip !in ("198.51.100.1") | count')).toEqual([[18]]);
    expect(await one('Events | where log_type in~ ("atp") | count')).toEqual([[1]]);
    // -1 min: .1's first drop and lyon's event; -2 min: .1's second drop and the allowed one.
    expect(await one("Events | where timestamp between (ago(3m) .. now()) | count")).toEqual([[4]]);
    expect(await one("Events | where timestamp > ago(90s) | count")).toEqual([[2]]);
    expect(await one("Events | where isnotempty(user_name) and not(isempty(url)) | count")).toEqual([[1]]);
    expect(await one("Events | where ipv4_is_private(src_ip) | project src_ip")).toEqual([["10.1.2.3"]]);
    expect(await one('Events | where ipv4_is_in_range(src_ip, "198.51.100.0/30") | count')).toEqual([[32]]);
    expect(await one("Events | where modsec_rule_ids has '942100' | count")).toEqual([[1]]);
    expect(
      await one(
        'Events | where isnotempty(user_name) | project a = tolower(user_name), b = toupper(user_name), c = strlen(user_name), d = format_datetime(datetime(2024-05-01 10:30), "yyyy-MM-dd HH:mm")',
      ),
    ).toEqual([["alice", "ALICE", 5, "2024-05-01 10:30"]]);
    const binned = await run(
      'Events | where log_type == "Firewall" | summarize count() by bucket = bin(timestamp, 1d) | project bucket',
    );
    expect(String(binned.rows[0]?.[0])).toMatch(/T00:00:00\.000Z$/);
    expect(
      await one(
        'Events | where src_ip == "198.51.100.3" and action == "drop" | summarize c = count(), d = dcount(src_ip), s = sum(dst_port), a = avg(dst_port), mn = min(dst_port), mx = max(dst_port), p = percentile(dst_port, 50), ci = countif(dst_port == 443), st = make_set(log_type)',
      ),
    ).toEqual([[5, 1, 5 * 443, 443, 443, 443, 443, 5, ["Firewall"]]]);
    const arg = await run(
      'Events | where log_type == "Firewall" and site == "paris" | summarize arg_max(timestamp, src_ip) by action',
    );
    expect(arg.columns.map((c) => c.name)).toEqual(["action", "timestamp", "src_ip"]);
    expect(arg.rows.find((row) => row[0] === "drop")?.[2]).toBe("198.51.100.1");
    expect(await one("Events | top 1 by timestamp asc | project src_ip")).toEqual([["198.51.100.3"]]);
    expect(await one('Events | where log_type == "Firewall" | distinct action | sort by action asc')).toEqual(
      [["allow"], ["drop"]],
    );
    expect(await one("Events | project-away raw_log | extend p = dst_port * 2 | project p | take 1")).toEqual(
      [[886]],
    );
    expect(
      await one("ModSecLogs | where is_blocking == true | project unique_id, anomaly_score, tags"),
    ).toEqual([["r1", 5, ["attack-sqli"]]]);
    expect(await one("Events | where src_ip == 'none' | summarize avg(dst_port), count()")).toEqual([
      [null, 0],
    ]);
  });

  it("runs the examples of docs/HUNTING.md", async () => {
    for (const q of [
      "ModSecLogs | summarize hits = count() by bin(timestamp, 1h), rule_id | sort by timestamp asc",
      "Events | summarize arg_max(timestamp, *) by src_ip",
      "Events | where dst_port == 22 and not(ipv4_is_private(src_ip)) | distinct src_ip, geo_country",
      'Events | where timestamp > "2024-05-01" | extend age = now() - timestamp | project age, t = timestamp + 1h | take 3',
    ]) {
      await expect(run(q), q).resolves.toMatchObject({ truncated: false });
    }
    const byZero = await run("Events | extend x = dst_port / 0 | take 1").catch((e: unknown) => e);
    expect(byZero).toMatchObject({ status: 400 });
  });

  it("turns the engine's refusals into 400s without its text, and a timeout into a 408 naming the limit", async () => {
    const bad = await run('Events | where url matches regex "(("').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(KqlRunError);
    expect((bad as KqlRunError).status).toBe(400);
    expect((bad as KqlRunError).message).not.toContain("SELECT");
    // A few rows never reach a memory limit (ClickHouse tracks allocations in MiB steps): the mapping is
    // checked on the engine's own messages.
    expect(
      runErrorOf(
        new Error(
          "Code: 241. DB::Exception: Query memory limit exceeded: would use 5.60 MiB. (MEMORY_LIMIT_EXCEEDED)",
        ),
      ),
    ).toMatchObject({ status: 400, limit: "max_memory_usage" });
    expect(
      runErrorOf(
        new Error("Code: 159. DB::Exception: Timeout exceeded: elapsed 1004 ms. (TIMEOUT_EXCEEDED)"),
      ),
    ).toMatchObject({
      status: 408,
      limit: "max_execution_time",
    });
    expect(runErrorOf(new Error("connection refused"))).toBeNull();
    await expect(run("Events | where (")).rejects.toBeInstanceOf(KqlError);
  });
});

/**
 * Well-formed pipelines of random operators, columns and literals, run on ClickHouse: each answers,
 * or is refused as the query's fault (KqlError, KqlRunError). Any other error would be SQL the
 * compiler got wrong, a 500.
 */
describe("KQL pipelines (fuzz, on chDB)", () => {
  const columns = TABLES.Events?.columns.map((c) => c.name) ?? [];
  const col = fc.constantFrom(...columns, "n", "x");
  const literal = fc.oneof(
    fc.constantFrom(
      '"drop"',
      "'198.51.100.1'",
      '"a.b c"',
      "443",
      "1.5",
      "1h",
      "ago(1d)",
      "now()",
      "true",
      "datetime(2024-05-01)",
    ),
    fc.string({ maxLength: 8 }).map((v) => JSON.stringify(v)),
    fc.integer({ min: -5, max: 70_000 }).map(String),
  );
  const comparison = fc.constantFrom(
    "==",
    "!=",
    "<",
    ">=",
    "=~",
    "has",
    "contains",
    "!startswith",
    "endswith",
    "matches regex",
  );
  const condition = fc.oneof(
    fc.tuple(col, comparison, literal).map(([c, o, l]) => `${c} ${o} ${l}`),
    fc.tuple(col, comparison, col).map(([a, o, b]) => `${a} ${o} ${b}`),
    fc.tuple(col, col, col).map(([a, b, c]) => `${a} in~ (${b}, ${c})`),
    fc.tuple(col, literal, literal).map(([c, a, b]) => `${c} in (${a}, ${b})`),
    fc.tuple(col, literal, literal).map(([c, a, b]) => `${c} between (${a} .. ${b})`),
    col.map((c) => `isnotempty(${c})`),
    col.map((c) => `ipv4_is_private(${c})`),
  );
  const scalar = fc.oneof(
    col,
    col.map((c) => `strlen(${c})`),
    col.map((c) => `tolower(${c})`),
    col.map((c) => `bin(${c}, 1h)`),
    col.map((c) => `bin(${c}, 10)`),
    fc.tuple(col, col).map(([a, b]) => `${a} + ${b}`),
    col.map((c) => `format_datetime(${c}, "yyyy-MM-dd")`),
    col.map((c) => `iff(${c} == 1, "a", "b")`),
  );
  const aggregate = fc.oneof(
    fc.constant("count()"),
    col.map((c) => `dcount(${c})`),
    col.map((c) => `sum(${c})`),
    col.map((c) => `avg(${c})`),
    col.map((c) => `max(${c})`),
    col.map((c) => `make_set(${c})`),
    col.map((c) => `percentile(${c}, 50)`),
    condition.map((c) => `countif(${c})`),
    col.map((c) => `arg_max(${c}, *)`),
  );
  const operator = fc.oneof(
    condition.map((c) => `where ${c}`),
    fc.tuple(condition, condition).map(([a, b]) => `where ${a} or not(${b})`),
    scalar.map((e) => `extend x = ${e}`),
    fc.tuple(col, scalar).map(([c, e]) => `project ${c}, x = ${e}`),
    col.map((c) => `project-away ${c}`),
    fc.tuple(aggregate, scalar).map(([a, b]) => `summarize n = ${a} by ${b}`),
    aggregate.map((a) => `summarize ${a}`),
    fc.tuple(col, fc.constantFrom("asc", "desc")).map(([c, d]) => `sort by ${c} ${d}`),
    col.map((c) => `top 3 by ${c}`),
    fc.integer({ min: 0, max: 50 }).map((n) => `take ${n}`),
    col.map((c) => `distinct ${c}`),
    fc.constant("count"),
  );
  const pipeline = fc
    .tuple(fc.constantFrom("Events", "SecurityEvent"), fc.array(operator, { minLength: 1, maxLength: 5 }))
    .map(([t, ops]) => [t, ...ops].join(" | "));

  it("answers or refuses as the query's fault, never with SQL ClickHouse rejects", async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(pipeline, async (q) => {
        try {
          await run(q, { sites: ["paris"] });
          answered++;
        } catch (err) {
          if (err instanceof KqlError || err instanceof KqlRunError) return;
          throw new Error(`${q}\n→ ${String(err).slice(0, 400)}`);
        }
      }),
      fuzzParameters(400),
    );
    // The generator reaches ClickHouse, not only the type checker.
    expect(answered).toBeGreaterThan(40);
  }, 120_000);
});
