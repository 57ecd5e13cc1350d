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
import { makeEvent, toJsonEachRow } from "./test-events.js";

const NOW = Date.now();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const IP = "45.155.205.233";
const V6 = "2a0e:1c80:1::7";
const dir = mkdtempSync(join(tmpdir(), "vigil-ip-summary-"));
let store: EventStore;
let t: TestApp;
let lyonKey: { token: string };

const at = (ago: number, o: Partial<Event>) => makeEvent({ timestamp: NOW - ago, src_ip: IP, ...o });
const attacker: Event[] = [
  at(HOUR, {
    site: "lyon",
    log_type: "WAF",
    action: "reject",
    hostname: "shop.example",
    url: "/wp-login.php",
  }),
  at(2 * HOUR, { site: "lyon", log_type: "WAF", action: "reject", hostname: "shop.example", url: "/.env" }),
  at(3 * HOUR, { site: "lyon", log_type: "WAF", action: "allow", hostname: "blog.example", url: "/.env" }),
  at(5 * DAY, { site: "paris", log_type: "Firewall", action: "drop", dst_port: 22, hostname: "" }),
  at(10 * DAY, { site: "paris", log_type: "Firewall", action: "drop", dst_port: 22, hostname: "" }),
  // Outside the default 30 days: left out unless the caller asks for an older range.
  at(40 * DAY, { site: "paris", log_type: "IPS", action: "drop", geo_country: "RU", geo_org: "Old AS" }),
];
const others = [
  makeEvent({ timestamp: NOW - HOUR, src_ip: "45.155.205.234", site: "lyon" }),
  makeEvent({ timestamp: NOW - HOUR, src_ip: V6, site: "paris", geo_country: "NL", geo_asn: 0, geo_org: "" }),
];

async function get(url: string, who: "audit" | { token: string } = "audit") {
  const res = await t.app.inject({ method: "GET", url, headers: t.as(who) });
  return { status: res.statusCode, type: String(res.headers["content-type"]), body: res.json() };
}

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 90, modsecDays: 30 },
  });
  await store.insertJsonEachRow("events", toJsonEachRow([...attacker, ...others]));
  t = await openTestApp({
    features: [
      eventRoutes({
        eventStore: store,
        now: () => NOW + 1,
        // GeoIP knows the AS today; the country falls back to the events' when GeoIP has none.
        geo: {
          lookup: (ip) =>
            ip === IP ? { country: "", asn: 49505, org: "Selectel", city: "", lat: 0, lon: 0 } : null,
        },
      }),
    ],
    tenancyEvents: store,
  });
  for (const name of ["lyon", "paris"]) {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/sites",
      headers: t.as("admin"),
      payload: { name, client: "default" },
    });
    if (res.statusCode !== 201) throw new Error(`site ${name}: ${res.statusCode} ${res.body}`);
  }
  const key = await t.app.inject({
    method: "POST",
    url: "/api/v1/api-keys",
    headers: t.as("admin"),
    payload: { name: "lyon-siem", scopes: ["read"], site: "lyon" },
  });
  lyonKey = { token: (key.json() as { key: string }).key };
});

afterAll(async () => {
  await t?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/v1/ips/:ip", () => {
  it("sums one IP's events of the last 30 days: counts, first and last seen, top hosts, ports and URLs", async () => {
    const { status, body } = await get(`/api/v1/ips/${IP}`);
    expect(status).toBe(200);
    const recent = attacker.slice(0, 5);
    expect(body).toMatchObject({
      ip: IP,
      country: "CN",
      asn: 49505,
      as_org: "Selectel",
      total: recent.length,
      first_seen: new Date(NOW - 10 * DAY).toISOString(),
      last_seen: new Date(NOW - HOUR).toISOString(),
      to: new Date(NOW + 1).toISOString(),
      from: new Date(NOW + 1 - 30 * DAY).toISOString(),
    });
    expect(body.by_log_type).toEqual([
      { key: "WAF", count: 3 },
      { key: "Firewall", count: 2 },
    ]);
    expect(body.by_action).toEqual([
      { key: "drop", count: 2 },
      { key: "reject", count: 2 },
      { key: "allow", count: 1 },
    ]);
    expect(body.by_site).toEqual([
      { key: "lyon", count: 3 },
      { key: "paris", count: 2 },
    ]);
    expect(body.top_hosts).toEqual([
      { key: "shop.example", count: 2 },
      { key: "blog.example", count: 1 },
    ]);
    expect(body.top_ports).toEqual([
      { key: "443", count: 3 },
      { key: "22", count: 2 },
    ]);
    expect(body.top_urls).toEqual([
      { key: "/.env", count: 2 },
      { key: "/wp-login.php", count: 1 },
    ]);
  });

  it("takes from/to like the other events routes", async () => {
    const from = new Date(NOW - 60 * DAY).toISOString();
    const { body } = await get(`/api/v1/ips/${IP}?from=${from}`);
    expect(body.total).toBe(attacker.length);
    expect(body.by_log_type).toContainEqual({ key: "IPS", count: 1 });
    const old = await get(`/api/v1/ips/${IP}?from=${from}&to=${new Date(NOW - 20 * DAY).toISOString()}`);
    // Only the 40-day-old event: its country and AS are the events' (GeoIP has the AS today).
    expect(old.body).toMatchObject({ total: 1, country: "RU", as_org: "Selectel" });
  });

  it("answers zeros for an IP with no events, and finds an IPv6 address however it is written", async () => {
    const none = await get("/api/v1/ips/45.155.205.1");
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({
      total: 0,
      first_seen: null,
      last_seen: null,
      country: null,
      by_site: [],
    });
    const v6 = await get(`/api/v1/ips/${encodeURIComponent("2A0E:1C80:0001:0:0:0:0:7")}`);
    expect(v6.body).toMatchObject({ ip: V6, total: 1, country: "NL", asn: null, as_org: null });
  });

  it("counts only the caller's sites: a site-bound key sees its site, and naming another is a 403", async () => {
    const lyon = await get(`/api/v1/ips/${IP}`, lyonKey);
    expect(lyon.body.by_site).toEqual([{ key: "lyon", count: 3 }]);
    expect(lyon.body.total).toBe(3);
    expect((await get(`/api/v1/ips/${IP}?site=paris`, lyonKey)).status).toBe(403);
    const paris = await get(`/api/v1/ips/${IP}?site=paris`);
    expect(paris.body.total).toBe(2);
  });

  it.each([
    ["not-an-ip", 'ip: "not-an-ip" is not an IPv4 or IPv6 address'],
    ["10.0.0.1%27%20OR%201=1", "is not an IPv4 or IPv6 address"],
    ["fe80::1%25eth0", "is not an IPv4 or IPv6 address"],
    [`${IP}?from=yesterday`, 'from: "yesterday" is not an ISO 8601 time'],
    [`${IP}?from=${new Date(NOW).toISOString()}&to=${new Date(NOW - DAY).toISOString()}`, "is not before to"],
  ])("GET /api/v1/ips/%s → 400 problem", async (path, detail) => {
    const { status, type, body } = await get(`/api/v1/ips/${path}`);
    expect(status).toBe(400);
    expect(type).toContain("application/problem+json");
    expect(body.detail).toContain(detail);
  });

  it("is in the OpenAPI document for audit+ users and read keys", async () => {
    expect((await t.app.inject({ method: "GET", url: `/api/v1/ips/${IP}` })).statusCode).toBe(401);
    const doc = (await t.app.inject({ method: "GET", url: "/api/docs/json" })).json() as {
      paths: Record<string, { get?: { description?: string; responses: Record<string, unknown> } }>;
    };
    const op = doc.paths["/api/v1/ips/{ip}"]?.get;
    expect(op?.description).toContain("`read` scope, or a user with the `audit` role");
    expect(JSON.stringify(op?.responses["200"])).toContain("top_urls");
  });
});
