import { describe, expect, it } from "vitest";
import { type CompileOptions, compileKql } from "./compile.js";
import { KqlError, nearest } from "./errors.js";
import { tokenize } from "./lexer.js";
import { parseKql } from "./parser.js";
import { TABLE_NAMES } from "./schema.js";

const NOW = Date.now();
const OPTIONS: CompileOptions = { from: NOW - 86_400_000, to: NOW, now: NOW, limit: 500 };

const compile = (q: string, o: Partial<CompileOptions> = {}) => compileKql(q, { ...OPTIONS, ...o });

function errorOf(q: string): KqlError {
  try {
    compile(q);
  } catch (err) {
    if (err instanceof KqlError) return err;
    throw err;
  }
  throw new Error(`compiled: ${q}`);
}

describe("KQL lexer", () => {
  it("reads both quote kinds, escapes, verbatim strings, comments, timespans and datetimes", () => {
    const tokens = tokenize(
      `Events // a comment\n| where a == "x\\"y\\n" or b == 'it\\'s' or c == @"C:\\path ""q"""\n| where t > ago(1.5h) and d < datetime(2024-05-01 10:30)`,
    );
    const values = tokens.filter((t) => t.kind === "string").map((t) => (t.kind === "string" ? t.value : ""));
    expect(values).toEqual(['x"y\n', "it's", 'C:\\path "q"']);
    expect(tokens.find((t) => t.kind === "timespan")).toMatchObject({ ms: 5_400_000 });
    expect(tokens.find((t) => t.kind === "datetime")).toMatchObject({ ms: Date.UTC(2024, 4, 1, 10, 30) });
    expect(tokens.find((t) => t.kind === "string")?.pos).toEqual({ line: 2, column: 14, offset: 33 });
  });

  it("names the line and column of what it cannot read", () => {
    expect(() => tokenize('Events\n| where x == "open')).toThrow(KqlError);
    const e = errorOf('Events\n| where x == "open');
    expect([e.line, e.column]).toEqual([2, 14]);
    expect(errorOf("Events | where x == 1abc").message).toContain("timespan");
    expect(errorOf('Events | where a == "\\q"').message).toContain("escape");
    expect(errorOf("Events | where a == `x`")).toMatchObject({ line: 1, column: 21 });
  });
});

describe("KQL parser and compiler", () => {
  it("compiles the workbench's first query to one parameterised SELECT with Kusto's names", () => {
    const c = compile(
      'Events | where log_type == "Firewall" and action == "drop" | summarize n = count() by src_ip | sort by n desc | take 2',
    );
    expect(c.columns).toEqual([
      { name: "src_ip", type: "string" },
      { name: "n", type: "long" },
    ]);
    expect(c.sql).not.toContain("Firewall");
    expect(c.sql).not.toContain("drop");
    expect(Object.values(c.params)).toEqual(expect.arrayContaining(["Firewall", "drop", 2]));
    expect(c.sql).toMatch(/ SETTINGS readonly = 1, max_execution_time = \d+, max_memory_usage = \d+$/);
  });

  it("gives summarize outputs Kusto's default names", () => {
    const c = compile(
      "Events | summarize count(), dcount(src_ip), sum(dst_port), avg(geo_lat), make_set(site), percentile(dst_port, 95), countif(dst_port > 10) by bin(timestamp, 1h), site",
    );
    expect(c.columns.map((x) => x.name)).toEqual([
      "timestamp",
      "site",
      "count_",
      "dcount_src_ip",
      "sum_dst_port",
      "avg_geo_lat",
      "set_site",
      "percentile_dst_port_95",
      "countif_",
    ]);
    expect(compile("Events | count").columns).toEqual([{ name: "Count", type: "long" }]);
    expect(compile("Events | summarize count(), count()").columns.map((x) => x.name)).toEqual([
      "count_",
      "count_1",
    ]);
    expect(
      compile("Events | extend strlen(url), tolower(site)")
        .columns.slice(-2)
        .map((x) => x.name),
    ).toEqual(["Column1", "Column2"]);
  });

  it("keeps every literal out of the SQL: injection attempts are values, bound as parameters", () => {
    const hostile = [
      "1' OR '1'='1",
      "'; DROP TABLE events; --",
      "\\'; SELECT * FROM system.users --",
      "{k_sites:Array(String)}",
      "x') UNION ALL SELECT name FROM system.tables --",
      "\u0000\n\r",
    ];
    for (const h of hostile) {
      const quoted = JSON.stringify(h);
      const c = compile(`Events | where src_ip == ${quoted} or message contains ${quoted} | take 5`);
      expect(c.sql).not.toContain(h);
      expect(Object.values(c.params)).toContain(h);
      for (const [name] of Object.entries(c.params)) expect(name).toMatch(/^(p\d+|k_[a-z]+)$/);
    }
    // Names too: only the schema's columns and our own aliases reach the SQL.
    const c = compile("Events | extend evil_name = strlen(url) | project evil_name");
    expect(c.sql).not.toContain("evil_name");
    expect(c.columns).toEqual([{ name: "evil_name", type: "long" }]);
  });

  it("adds the caller's sites and time range on the source table, outside the query's own conditions", () => {
    const c = compile('Events | where true or site == "globex-lyon"', { sites: ["acme-paris"] });
    expect(c.params.k_sites).toEqual(["acme-paris"]);
    expect(c.sql).toContain("(site IN {k_sites:Array(String)}) AND (({p1:Bool} OR (site = {p2:String})))");
    expect(c.sql).toContain("timestamp >= {k_from:DateTime64(3, 'UTC')}");
    expect(compile("ModSecLogs | take 1", { sites: [] }).params.k_sites).toEqual([]);
    expect(compile("Events | take 1").params.k_sites).toBeUndefined();
  });

  it("caps the rows at limit + 1 to tell truncation, and takes the smaller of take and the cap", () => {
    expect(compile("Events", { limit: 10 }).params).toMatchObject({ p1: 11 });
    expect(compile("Events | take 3", { limit: 10 }).params).toMatchObject({ p1: 3 });
    expect(compile("Events | take 30", { limit: 10 }).params).toMatchObject({ p1: 11 });
  });

  it("answers `Events | where (` with the line and column of the end and what was expected", () => {
    const e = errorOf("Events | where (");
    expect(e).toMatchObject({ line: 1, column: 17, expected: "an expression" });
    const multi = errorOf("Events\n| where src_ip == '1'\n| summarize count() by");
    expect([multi.line, multi.column]).toEqual([3, 23]);
    expect(errorOf("Events | where src_ip == ").message).toMatch(/^Expected an expression/);
    expect(errorOf("Events | where a == 1 b").expected).toBe("'|' or the end of the query");
  });

  it("names the nearest columns, tables, functions and operators", () => {
    const col = errorOf('Events | where srcip == "x"');
    expect(col.suggestions).toContain("src_ip");
    expect(col.message).toContain("Did you mean");
    expect([col.line, col.column]).toEqual([1, 16]);
    expect(errorOf("Events | project sevrity").suggestions).toEqual(["severity"]);
    expect(errorOf("events | take 1").suggestions).toEqual(["Events"]);
    expect(errorOf("Events | where tolowr(site) == 'x'").suggestions).toContain("tolower");
    expect(errorOf("Events | summarise count()").suggestions).toContain("summarize");
    expect(errorOf("Events | project-away nope").message).toContain("Unknown column 'nope'");
    expect(nearest("SRC_IP", ["dst_ip", "src_ip", "src_port"])).toEqual(["src_ip"]);
    expect(nearest("dst", ["dst_ip", "dst_port", "src_ip"])).toEqual(["dst_ip", "dst_port"]);
  });

  it("refuses table functions, other tables, settings, several statements and operators outside the subset", () => {
    for (const q of [
      "file('/etc/passwd')",
      "url('http://example.org', CSV)",
      "remote('host', system.users)",
      "numbers(10)",
      "system.tables",
      "default.events | take 1",
      "Events | join (system.users) on name",
      "Events | union ModSecLogs",
      "Events | take 1; Events",
      "Events | take 1 SETTINGS readonly = 0",
      "Events | evaluate bag_unpack(metadata)",
      "let x = 1; Events",
      "Events | where src_ip == file('x')",
      "Events | extend x = dynamic({'a': 1})",
      "Events | where metadata.key == 'x'",
      "Events | mv-expand modsec_rule_ids",
      "users | take 1",
    ]) {
      expect(() => compile(q), q).toThrow(KqlError);
    }
    expect(errorOf("file('/etc/passwd')").message).toContain("Table functions");
    expect(errorOf("Events | join (x)").message).toContain("join operator is not supported");
  });

  it("checks types: where needs a condition, comparisons one type, string operators strings", () => {
    expect(errorOf("Events | where src_port").message).toContain("condition");
    expect(errorOf('Events | where src_port == "80"').message).toContain("long and string");
    expect(errorOf("Events | where src_port has 'x'").message).toContain("string");
    expect(errorOf("Events | where timestamp > 'yesterday'").expected).toBe("a datetime");
    expect(errorOf("Events | summarize site").message).toContain("by list");
    expect(errorOf("Events | where count() > 1").message).toContain("aggregation");
    expect(errorOf("Events | take -1").message).toContain("whole number");
    expect(errorOf("Events | where url matches regex user_agent").expected).toBe("a string literal");
    expect(errorOf('Events | where ipv4_is_in_range(src_ip, "10.0.0.0/33")').message).toContain("CIDR");
    expect(errorOf('Events | extend d = format_datetime(timestamp, "y")').message).toContain(
      "format element",
    );
    expect(
      compile('Events | where timestamp > "2024-05-01" and timestamp between (ago(2d) .. now())').columns
        .length,
    ).toBeGreaterThan(10);
  });

  it("parses every operator and scalar of the subset", () => {
    const queries = [
      'Events | where src_ip in ("a", "b") and dst_ip !in ("c") and site in~ ("PARIS")',
      "Events | where src_port between (1 .. 1024) and dst_port !between (0 .. 1)",
      'Events | where url has "admin" and url !has "x.y" and message has_cs "SQL" and message contains_cs "a"',
      'Events | where url startswith "/wp" and url !startswith "/x" and url endswith ".php" and url !endswith ".js"',
      'Events | where user_agent matches regex "(?i)curl" and site =~ "PARIS" and site !~ "x" and not(isempty(url))',
      "Events | where isnotempty(user_name) and timestamp > ago(1h) and timestamp <= now()",
      'Events | where ipv4_is_in_range(src_ip, "10.0.0.0/8") or ipv4_is_private(dst_ip) or ipv4_is_in_range(src_ip, "192.0.2.1")',
      'Events | extend h = bin(timestamp, 1h), l = tolower(site), u = toupper(site), n = strlen(url), f = format_datetime(timestamp, "yyyy-MM-dd HH:mm:ss")',
      "Events | project src_ip, dst_port | project-away dst_port | project-rename ip = src_ip",
      "Events | top 10 by dst_port asc nulls last | distinct site",
      "Events | order by timestamp asc, site | limit 5 | count",
      "Events | summarize arg_max(timestamp, src_ip, url) by site | sort by timestamp",
      "Events | summarize by site, log_type",
      "Events | where modsec_rule_ids has '942100' or modsec_messages contains 'sql'",
      "Events | extend x = (dst_port + 1) * 2 / 3 % 5 - -1, y = timestamp - 1h, z = now() - timestamp",
      "SecurityEvent | distinct *",
      "ModSecLogs | where is_blocking == true and anomaly_score >= 5 | summarize max(total_score) by hostname, uri",
      'Events | where metadata contains "vpn" | extend s = strcat(site, "/", tostring(dst_port)), i = iff(dst_port > 1024, "high", "low")',
    ];
    for (const q of queries) expect(() => compile(q), q).not.toThrow();
  });

  it("knows only its own names: Object's members are not tables, functions or units", () => {
    for (const q of [
      "__proto__",
      "constructor | take 1",
      "Events | where toString(site) == 'x'",
      "Events | where hasOwnProperty(site)",
      "Events | summarize valueOf(site)",
      "Events | where timestamp > ago(1constructor)",
      "Events | project __proto__",
    ]) {
      expect(() => compile(q), q).toThrow(KqlError);
    }
  });

  it("never overflows the stack on deep nesting", () => {
    expect(errorOf(`Events | where ${"(".repeat(5000)}true${")".repeat(5000)}`).message).toContain("nested");
    expect(errorOf(`Events | where x == ${"-".repeat(5000)}1`)).toBeInstanceOf(KqlError);
    expect(parseKql("Events", TABLE_NAMES).operators).toEqual([]);
  });
});
