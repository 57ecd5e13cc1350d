import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { openTestApp, type TestApp } from "../../http/app-test-support.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { abuseipdb } from "../providers/abuseipdb.js";
import { fixture } from "../providers/fixtures/recorded.js";
import { otx } from "../providers/otx.js";
import { type FakeProvider, startFakeProvider } from "./fake-provider.js";
import type { ThreatLookupResult } from "./lookup-result.js";
import { createThreatIntel, type ThreatIntel } from "./threat-intel-feature.js";

const BAD = "45.155.205.233";

describe("threat-intel routes", () => {
  let state: TestStateStore;
  let t: TestApp;
  let intel: ThreatIntel;
  let fakeOtx: FakeProvider;
  let fakeAbuse: FakeProvider;

  beforeAll(async () => {
    fakeOtx = await startFakeProvider(() => ({
      status: 200,
      body: JSON.stringify({ pulse_info: { count: 20, pulses: [] }, validation: [], false_positive: [] }),
    }));
    fakeAbuse = await startFakeProvider(() => {
      const doc = JSON.parse(fixture("abuseipdb-check.json"));
      doc.data.lastReportedAt = new Date().toISOString();
      return { status: 200, body: JSON.stringify(doc) };
    });
    state = await openTestStateStore();
    const config = loadConfig({
      VIGIL_CONFIG: undefined,
      VIGIL_TI_OTX_KEY: "otx-secret",
      VIGIL_TI_ABUSEIPDB_KEY: "abuse-secret",
      VIGIL_TI_OTX_URL: fakeOtx.url,
      VIGIL_TI_ABUSEIPDB_URL: fakeAbuse.url,
    } as NodeJS.ProcessEnv).threatIntel;
    intel = createThreatIntel({
      db: state.store.db,
      config,
      log: { info() {}, warn() {} },
      providers: [otx, abuseipdb],
    });
    t = await openTestApp({ features: [intel.routes] });
  });
  afterAll(async () => {
    await t.close();
    await intel.close();
    await state.dispose();
    await fakeOtx.close();
    await fakeAbuse.close();
  });

  const get = (url: string, role: "audit" | "analyst") =>
    t.app.inject({ method: "GET", url, headers: t.as(role) });

  it("looks an IP up for an analyst, serves the cached result to audit, and keeps refresh for analysts", async () => {
    const uncached = await get(`/api/v1/threats/${BAD}`, "audit");
    expect(uncached.statusCode).toBe(403);
    expect(fakeOtx.requests).toHaveLength(0);

    const first = await get(`/api/v1/threats/${BAD}`, "analyst");
    expect(first.statusCode).toBe(200);
    const body = first.json() as ThreatLookupResult;
    expect(body).toMatchObject({ ip: BAD, cached: false, is_malicious: true });
    expect(body.aggregated_score).toBeGreaterThanOrEqual(50);
    expect(body.providers.map((p) => [p.name, p.status])).toEqual([
      ["otx", "ok"],
      ["abuseipdb", "ok"],
    ]);

    const read = await get(`/api/v1/threats/${BAD}`, "audit");
    expect(read.statusCode).toBe(200);
    expect((read.json() as ThreatLookupResult).cached).toBe(true);
    expect(fakeOtx.requests).toHaveLength(1);

    expect((await get(`/api/v1/threats/${BAD}?refresh=true`, "audit")).statusCode).toBe(403);
    const refreshed = await get(`/api/v1/threats/${BAD}?refresh=true`, "analyst");
    expect((refreshed.json() as ThreatLookupResult).cached).toBe(false);
    expect(fakeOtx.requests).toHaveLength(2);
  });

  it("serves cache_only reads to audit and analysts without asking any provider", async () => {
    const before = fakeOtx.requests.length;
    const never = await get("/api/v1/threats/45.155.205.77?cache_only=true", "analyst");
    expect(never.statusCode).toBe(204);
    expect(never.body).toBe("");
    const stored = await get(`/api/v1/threats/${BAD}?cache_only=true`, "audit");
    expect(stored.statusCode).toBe(200);
    expect((stored.json() as ThreatLookupResult).cached).toBe(true);
    expect(fakeOtx.requests.length).toBe(before);
  });

  it("answers 400 problems for an invalid or a private IP", async () => {
    for (const ip of ["not-an-ip", "10.0.0.1", "127.0.0.1"]) {
      const res = await get(`/api/v1/threats/${ip}`, "analyst");
      expect(res.statusCode, ip).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
    }
  });

  it("looks a batch up for analysts, refusing private addresses by item and batches over 100", async () => {
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/v1/threats/batch",
      headers: t.as("analyst"),
      payload: { ips: [BAD, "192.168.1.1", "45.155.205.1"] },
    });
    expect(ok.statusCode).toBe(200);
    const items = (ok.json() as { items: Array<Record<string, unknown>> }).items;
    expect(items.map((i) => i.ip)).toEqual([BAD, "192.168.1.1", "45.155.205.1"]);
    expect(items[0]?.cached).toBe(true);
    expect(items[1]?.refused).toMatch(/private/);
    expect(items[2]?.cached).toBe(false);

    const tooMany = Array.from({ length: 101 }, (_, i) => `45.155.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    for (const [payload, status] of [
      [{ ips: tooMany }, 400],
      [{ ips: ["nope"] }, 400],
    ] as const) {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/threats/batch",
        headers: t.as("analyst"),
        payload,
      });
      expect(res.statusCode).toBe(status);
    }
    const audit = await t.app.inject({
      method: "POST",
      url: "/api/v1/threats/batch",
      headers: t.as("audit"),
      payload: { ips: [BAD] },
    });
    expect(audit.statusCode).toBe(403);
  });

  it("lists the providers with calls today and never their keys", async () => {
    const res = await get("/api/v1/threats/providers", "audit");
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain("secret");
    const items = (res.json() as { items: Array<Record<string, unknown>> }).items;
    expect(items.find((p) => p.name === "abuseipdb")).toMatchObject({
      tier: 2,
      configured: true,
      daily_limit: 1000,
      last_error: null,
    });
    expect(items.find((p) => p.name === "otx")?.used_today).toBeGreaterThanOrEqual(2);
  });
});
