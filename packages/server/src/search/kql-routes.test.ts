import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent, toJsonEachRow } from "../events/test-events.js";
import { openTestApp, type TestApp } from "../http/app-test-support.js";
import type { Event } from "../ingest/event.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { fuzzParameters, hostileString } from "../test-support/fuzz.js";
import { kqlRoutes } from "./kql-routes.js";

const NOW = Date.now();
const MIN = 60_000;
const dir = mkdtempSync(join(tmpdir(), "vigil-kql-routes-"));
let store: EventStore;
let t: TestApp;
let lyonKey: { token: string };
let ingestKey: { token: string };
let acmeUser: { token: string };

type Who = "audit" | "analyst" | "admin" | { token: string };

async function kql(body: unknown, who: Who = "audit") {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/search/kql",
    headers: t.as(who),
    payload: body as Record<string, unknown>,
  });
  return {
    status: res.statusCode,
    type: String(res.headers["content-type"]),
    body: res.json(),
    text: res.body,
  };
}

async function post(url: string, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: "POST", url, headers: t.as("admin"), payload });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, string>;
}

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  const events: Event[] = [];
  let k = 0;
  for (const [ip, n] of [
    ["198.51.100.1", 15],
    ["198.51.100.2", 10],
    ["198.51.100.3", 5],
  ] as const) {
    for (let i = 0; i < n; i++) events.push(makeEvent({ src_ip: ip, timestamp: NOW - ++k * MIN }));
  }
  events.push(
    makeEvent({
      site: "paris",
      severity: "high",
      message: "Phishing mail quarantined",
      timestamp: NOW - MIN,
    }),
  );
  events.push(
    makeEvent({
      site: "lyon",
      src_ip: "203.0.113.66",
      message: "lyon phish",
      severity: "high",
      timestamp: NOW - MIN,
    }),
  );
  await store.insertJsonEachRow("events", toJsonEachRow(events));
  t = await openTestApp({
    features: [kqlRoutes({ eventStore: store, now: () => NOW + 1 })],
    tenancyEvents: store,
  });
  await post("/api/v1/clients", { name: "acme" });
  await post("/api/v1/sites", { name: "paris", client: "acme" });
  await post("/api/v1/sites", { name: "lyon", client: "default" });
  await post("/api/v1/users", {
    username: "acme-ana",
    password: "acme-ana-password-1",
    role: "analyst",
    client: "acme",
  });
  acmeUser = { token: await t.login("acme-ana", "acme-ana-password-1") };
  lyonKey = {
    token: (await post("/api/v1/api-keys", { name: "lyon-siem", scopes: ["read"], site: "lyon" }))
      .key as string,
  };
  ingestKey = {
    token: (await post("/api/v1/api-keys", { name: "ingest", scopes: ["ingest"] })).key as string,
  };
});

afterAll(async () => {
  await t?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("POST /api/v1/search/kql", () => {
  it("answers the two top dropping IPs with 15 and 10, with column types and what was read", async () => {
    const r = await kql({
      query:
        'Events | where log_type == "Firewall" and action == "drop" | summarize n = count() by src_ip | sort by n desc | take 2',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      columns: [
        { name: "src_ip", type: "string" },
        { name: "n", type: "long" },
      ],
      rows: [
        ["198.51.100.1", 15],
        ["198.51.100.2", 10],
      ],
      truncated: false,
    });
    expect(r.body.stats.rows_read).toBeGreaterThan(0);
    expect(r.body.stats.bytes_read).toBeGreaterThan(0);
    expect(typeof r.body.stats.elapsed_ms).toBe("number");
  });

  it("answers `Events | where (` with a 400 problem naming line, column and what was expected, without SQL", async () => {
    const r = await kql({ query: "Events | where (" });
    expect(r.status).toBe(400);
    expect(r.type).toContain("application/problem+json");
    expect(r.body).toMatchObject({ status: 400, line: 1, column: 17, expected: "an expression" });
    expect(r.text).not.toMatch(/SELECT|FROM events|\{p\d/);
    const multi = await kql({ query: "Events\n| where srcip == '1'" });
    expect(multi.body).toMatchObject({ line: 2, column: 9, suggestions: ["src_ip"] });
    expect(multi.body.detail).toContain("Did you mean src_ip?");
  });

  it("treats an injection attempt as a value (200, no rows) and runs the seed's SecurityEvent query", async () => {
    const inj = await kql({ query: `Events | where src_ip == "1' OR '1'='1" | take 5` });
    expect(inj.status).toBe(200);
    expect(inj.body.rows).toEqual([]);
    const seed = await kql({
      query: 'SecurityEvent | where severity == "high" and message contains "phish" | limit 50',
    });
    expect(seed.status).toBe(200);
    expect(seed.body.rows).toHaveLength(2);
  });

  it("refuses table functions, system tables and other tables with a 400", async () => {
    for (const query of [
      "file('/etc/passwd')",
      "system.tables",
      "Events | join (system.users) on x",
      "users",
    ]) {
      const r = await kql({ query });
      expect(r.status, query).toBe(400);
      expect(r.body.line, query).toBe(1);
    }
  });

  it("keeps a site-bound key and a client's user to their own sites, whatever the query asks", async () => {
    const siteOf = (r: Awaited<ReturnType<typeof kql>>) => {
      const i = (r.body.columns as Array<{ name: string }>).findIndex((c) => c.name === "site");
      return [...new Set((r.body.rows as unknown[][]).map((row) => row[i]))];
    };
    for (const query of ['Events | where site == "paris" or true', "Events | summarize count() by site"]) {
      expect(siteOf(await kql({ query }, lyonKey)), query).toEqual(["lyon"]);
      expect(siteOf(await kql({ query }, acmeUser)), query).toEqual(["paris"]);
    }
    const r = await kql({ query: 'Events | where site == "lyon" | count' }, acmeUser);
    expect(r.body.rows).toEqual([[0]]);
    expect(siteOf(await kql({ query: "Events | distinct site | sort by site asc" }, "analyst"))).toEqual([
      "lyon",
      "paris",
    ]);
  });

  it("caps rows at `limit` and says truncated; validates limit and the time range", async () => {
    const r = await kql({ query: "Events", limit: 3 });
    expect(r.body.rows).toHaveLength(3);
    expect(r.body.truncated).toBe(true);
    expect((await kql({ query: "Events", limit: 0 })).status).toBe(400);
    expect((await kql({ query: "Events", limit: 10_001 })).status).toBe(400);
    const range = await kql({ query: "Events", from: "2030-01-02", to: "2030-01-01" });
    expect(range.status).toBe(400);
    expect(range.body.detail).toMatch(/^from:/);
    const old = await kql({
      query: "Events | count",
      from: new Date(NOW - 10 * 24 * 3600_000).toISOString(),
      to: new Date(NOW - 9 * 24 * 3600_000).toISOString(),
    });
    expect(old.body.rows).toEqual([[0]]);
    expect((await kql({ query: "" })).status).toBe(400);
  });

  it("is open to audit users and read keys, not to other keys or anonymous callers", async () => {
    expect((await kql({ query: "Events | count" }, "audit")).status).toBe(200);
    expect((await kql({ query: "Events | count" }, ingestKey)).status).toBe(403);
    const anon = await t.app.inject({
      method: "POST",
      url: "/api/v1/search/kql",
      payload: { query: "Events" },
    });
    expect(anon.statusCode).toBe(401);
  });

  it("never answers random query text with a 500 (fuzz, fixed seed)", async () => {
    const words = fc.constantFrom(
      "Events",
      "ModSecLogs",
      "|",
      "where",
      "summarize",
      "count()",
      "by",
      "src_ip",
      "timestamp",
      "==",
      "(",
      ")",
      ",",
      '"x"',
      "'",
      "1h",
      "ago(1d)",
      "bin(timestamp, 1h)",
      "take",
      "10",
      "and",
      "not(",
      "has",
      "in",
      "..",
      "sort",
      "desc",
      "project",
      "=",
      "extend",
      "matches regex",
      '"(("',
      "\n",
      "//",
    );
    const text = fc.oneof(
      hostileString,
      fc.array(words, { maxLength: 14 }).map((w) => w.join(" ")),
      fc.array(words, { maxLength: 14 }).map((w) => `Events | ${w.join(" ")}`),
    );
    await fc.assert(
      fc.asyncProperty(text, async (query) => {
        const r = await kql({ query });
        expect(r.status, query).toBeLessThan(500);
        if (r.status >= 400) expect(r.text).not.toMatch(/SELECT |\{p\d+:|DB::Exception/);
      }),
      fuzzParameters(250),
    );
  }, 120_000);
});

describe("GET /api/v1/search/schema", () => {
  it("lists the tables with their columns and KQL types, the operators and the functions", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/search/schema", headers: t.as("audit") });
    const body = res.json() as {
      tables: Array<{ name: string; columns: Array<{ name: string; type: string }> }>;
      operators: string[];
    };
    expect(body.tables.map((x) => x.name)).toEqual(["Events", "SecurityEvent", "ModSecLogs"]);
    expect(body.tables[0]?.columns).toContainEqual({ name: "timestamp", type: "datetime" });
    expect(body.operators).toContain("summarize");
  });
});
