import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApp, type TestApp } from "../http/app-test-support.js";
import type { Event } from "../ingest/event.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { eventRoutes } from "./event-routes.js";
import { makeEvent, makeEventSet, makeModSec, toJsonEachRow } from "./test-events.js";

const NOW = Date.now();
const HOUR = 3600_000;
const dir = mkdtempSync(join(tmpdir(), "vigil-events-routes-"));
let store: EventStore;
let t: TestApp;

const events: Event[] = makeEventSet(300, NOW, 12 * HOUR, 3);
const waf = makeEvent({ timestamp: NOW - HOUR, site: "lyon", unique_id: "req-77", log_type: "WAF" });
const all = [...events, waf];

type Caller = "audit" | "analyst" | "admin" | { token: string };
let lyonKey: Caller;
let ingestKey: Caller;

/** Through the real app: auth guard, error handler, serialisation. */
async function get(url: string, who: Caller = "audit") {
  const res = await t.app.inject({ method: "GET", url, headers: t.as(who) });
  return { status: res.statusCode, type: String(res.headers["content-type"]), body: res.json() };
}

async function createKey(name: string, scopes: string[], site?: string): Promise<Caller> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/api-keys",
    headers: t.as("admin"),
    payload: { name, scopes, ...(site ? { site } : {}) },
  });
  if (res.statusCode !== 201) throw new Error(`api key: ${res.statusCode} ${res.body}`);
  return { token: (res.json() as { key: string }).key };
}

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  await store.insertJsonEachRow("events", toJsonEachRow(all));
  await store.insertJsonEachRow(
    "modsec_logs",
    toJsonEachRow([
      makeModSec({ unique_id: "req-77", site: "lyon", timestamp: waf.timestamp, rule_id: "942100" }),
    ]),
  );
  t = await openTestApp({
    features: [eventRoutes({ eventStore: store, now: () => NOW + 1 })],
    tenancyEvents: store,
  });
  for (const name of ["lyon", "madrid", "paris"]) {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/sites",
      headers: t.as("admin"),
      payload: { name, client: "default" },
    });
    if (res.statusCode !== 201) throw new Error(`site ${name}: ${res.statusCode} ${res.body}`);
  }
  lyonKey = await createKey("lyon-siem", ["read"], "lyon");
  ingestKey = await createKey("paris-ingest", ["ingest"]);
});

afterAll(async () => {
  await t?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("events API", () => {
  it("is for audit+ users and read-scoped API keys only", async () => {
    const paths = [
      "/api/v1/events",
      `/api/v1/events/${waf.event_id}`,
      "/api/v1/events/stats",
      "/api/v1/sites",
    ];
    for (const url of paths) {
      expect((await get(url, "audit")).status).toBe(200);
      expect((await t.app.inject({ method: "GET", url })).statusCode).toBe(401);
      expect((await get(url, ingestKey)).status).toBe(403);
    }
    const doc = (await t.app.inject({ method: "GET", url: "/api/docs/json" })).json() as {
      paths: Record<string, { get?: { description?: string } }>;
    };
    for (const path of ["/api/v1/events", "/api/v1/events/{id}", "/api/v1/events/top", "/api/v1/sites"]) {
      expect(doc.paths[path]?.get?.description).toContain("`read` scope, or a user with the `audit` role");
    }
  });

  it("pages through the events with next_cursor, each exactly once", async () => {
    const seen: string[] = [];
    let url = "/api/v1/events?limit=64";
    for (;;) {
      const { status, body } = await get(url);
      expect(status).toBe(200);
      seen.push(...body.items.map((e: { event_id: string }) => e.event_id));
      if (body.next_cursor === null) break;
      url = `/api/v1/events?limit=64&cursor=${body.next_cursor}`;
    }
    expect(seen.sort()).toEqual(all.map((e) => e.event_id).sort());
  });

  it("sends events with the Event fields, timestamp as ISO 8601", async () => {
    const { body } = await get(`/api/v1/events?src_ip=${waf.src_ip}&site=lyon&log_type=WAF&unique=ignored`);
    const found = body.items.find((e: { event_id: string }) => e.event_id === waf.event_id);
    const { timestamp, ...rest } = waf;
    expect(found).toEqual({ ...rest, timestamp: new Date(timestamp).toISOString() });
  });

  it("shows one event with its ModSecurity rows, 404 problem when unknown", async () => {
    const { status, body } = await get(`/api/v1/events/${waf.event_id}`);
    expect(status).toBe(200);
    expect(body.event.event_id).toBe(waf.event_id);
    expect(body.modsec).toHaveLength(1);
    expect(body.modsec[0]).toMatchObject({ rule_id: "942100", is_blocking: false, unique_id: "req-77" });
    for (const id of ["0190a0a0-0000-7000-8000-000000000001", "not-a-uuid"]) {
      const missing = await get(`/api/v1/events/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.type).toContain("application/problem+json");
      expect(missing.body).toMatchObject({ status: 404, title: "Not Found" });
      expect(missing.body.detail).toContain(id);
    }
  });

  it("answers stats, timeline, top and geo with the events' numbers", async () => {
    const stats = (await get("/api/v1/events/stats?severity=critical,high")).body;
    const expected = all.filter((e) => e.severity === "critical" || e.severity === "high");
    expect(stats.total).toBe(expected.length);
    expect(stats.by_severity.map((r: { key: string }) => r.key).sort()).toEqual(["critical", "high"]);
    const timeline = (await get("/api/v1/events/timeline")).body;
    expect(timeline.bucket_seconds).toBe(900);
    expect(timeline.buckets.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(all.length);
    const top = (await get("/api/v1/events/top?dim=country&limit=2")).body;
    expect(top.items).toHaveLength(2);
    expect(top.items[0]).toEqual({
      key: expect.any(String),
      count: expect.any(Number),
      label: expect.any(String),
    });
    const geo = (await get("/api/v1/events/geo")).body;
    expect(geo.items.reduce((s: number, g: { count: number }) => s + g.count, 0)).toBe(
      all.filter((e) => e.geo_country !== "").length,
    );
  });

  it.each([
    ["/api/v1/events?src_ip=1.2.3.999", 'src_ip: "1.2.3.999" is not an IP address or CIDR'],
    ["/api/v1/events?limit=0", 'limit: "0" is not a whole number between 1 and 1000'],
    ["/api/v1/events?limit=5000", 'limit: "5000" is not a whole number between 1 and 1000'],
    ["/api/v1/events?cursor=abc", "cursor: not a cursor returned by this endpoint"],
    [
      "/api/v1/events/stats?severity=urgent",
      'severity: "urgent" is not one of critical, high, medium, low, info',
    ],
    [
      "/api/v1/events/timeline?from=2024-02-02T00:00:00Z&to=2024-02-01T00:00:00Z",
      "from: 2024-02-02T00:00:00.000Z",
    ],
    ["/api/v1/events/top?dim=password", 'dim: "password" is not one of src_ip, country, rule'],
    ["/api/v1/events/top?dim=src_ip&limit=101", 'limit: "101" is not a whole number between 1 and 100'],
    ["/api/v1/events/geo?country=France", 'country: "France" is not an ISO 3166-1 alpha-2 code'],
  ])("GET %s → 400 problem naming the parameter", async (url, detail) => {
    const { status, type, body } = await get(url);
    expect(status).toBe(400);
    expect(type).toContain("application/problem+json");
    expect(body).toMatchObject({ type: "about:blank", title: "Bad Request", status: 400 });
    expect(body.detail).toContain(detail);
  });

  it("SQL-looking input is only a value", async () => {
    const q = encodeURIComponent("x' OR '1'='1'; DROP TABLE events --");
    const { status, body } = await get(`/api/v1/events?q=${q}&site=${q}`);
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
    expect((await get("/api/v1/events/stats")).body.total).toBe(all.length);
  });

  it("a site-bound API key sees only its site", async () => {
    const lyon = all.filter((e) => e.site === "lyon");
    // Naming another site is refused outright; asking for nothing gives the key's own site.
    expect((await get("/api/v1/events?limit=1000&site=paris,lyon", lyonKey)).status).toBe(403);
    const page = (await get("/api/v1/events?limit=1000", lyonKey)).body;
    expect(page.items.map((e: { event_id: string }) => e.event_id).sort()).toEqual(
      lyon.map((e) => e.event_id).sort(),
    );
    const stats = (await get("/api/v1/events/stats", lyonKey)).body;
    expect(stats.by_site).toEqual([{ key: "lyon", count: lyon.length }]);
    const other = all.find((e) => e.site !== "lyon") as Event;
    expect((await get(`/api/v1/events/${other.event_id}`, lyonKey)).status).toBe(404);
    expect((await get(`/api/v1/events/${waf.event_id}`, lyonKey)).status).toBe(200);
    const sites = (await get("/api/v1/sites", lyonKey)).body;
    expect(sites.items.map((s: { site: string }) => s.site)).toEqual(["lyon"]);
  });

  it("lists sites with counts", async () => {
    const { body } = await get("/api/v1/sites");
    const total = body.items.reduce((s: number, x: { event_count: number }) => s + x.event_count, 0);
    expect(total).toBe(all.length);
    // Every registered site, with or without events ("default" holds senders not yet assigned).
    expect(body.items.map((s: { site: string }) => s.site)).toEqual(["default", "lyon", "madrid", "paris"]);
    expect(body.items.find((s: { site: string }) => s.site === "lyon")).toMatchObject({ client: "default" });
  });

  it("documents the routes, their filters and the Event shape in OpenAPI", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/api/docs/json" })).json() as {
      paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, unknown> } }>;
    };
    const list = doc.paths["/api/v1/events"]?.get;
    expect(list?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(["from", "to", "site", "severity", "src_ip", "q", "limit", "cursor"]),
    );
    expect(JSON.stringify(list?.responses["200"])).toContain("modsec_rule_ids");
    for (const path of [
      "/api/v1/events/{id}",
      "/api/v1/events/stats",
      "/api/v1/events/timeline",
      "/api/v1/events/geo",
    ]) {
      expect(doc.paths[path]?.get).toBeDefined();
    }
  });
});
