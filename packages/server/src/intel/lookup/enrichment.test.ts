import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import type { Event } from "../../ingest/event.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { abuseipdb } from "../providers/abuseipdb.js";
import { fixture } from "../providers/fixtures/recorded.js";
import { createEnrichment, type ThreatDetected } from "./enrichment.js";
import { type FakeProvider, startFakeProvider } from "./fake-provider.js";
import { createThreatLookup, type ThreatLookup } from "./threat-lookup.js";

/**
 * Background enrichment on the real lookup service (PGlite) with a local fake AbuseIPDB: who gets
 * looked up, the hourly budget, repeat drops, and the `threat_detected` notice for high scores.
 */
const silent = { info() {}, warn() {} };
let n = 0;
/** A fresh public IP per use, so no test sees another's cache entries. */
const ip = (bad: boolean) => `${bad ? 45 : 8}.1.${Math.floor(++n / 250)}.${(n % 250) + 1}`;

describe("background enrichment", () => {
  let t: TestStateStore;
  let fake: FakeProvider;
  let lookup: ThreatLookup;
  let threats: ThreatDetected[];

  beforeAll(async () => {
    t = await openTestStateStore();
    // AbuseIPDB answers 100 for 45.x addresses and 0 for the rest.
    fake = await startFakeProvider((r) => {
      const asked = new URL(r.path, "http://x").searchParams.get("ipAddress") ?? "";
      const doc = JSON.parse(fixture("abuseipdb-check.json"));
      const bad = asked.startsWith("45.");
      doc.data.ipAddress = asked;
      doc.data.abuseConfidenceScore = bad ? 100 : 0;
      doc.data.totalReports = bad ? doc.data.totalReports : 0;
      doc.data.lastReportedAt = bad ? new Date().toISOString() : null;
      return { status: 200, body: JSON.stringify(doc) };
    });
    const config = loadConfig({
      VIGIL_CONFIG: undefined,
      VIGIL_TI_ABUSEIPDB_KEY: "k",
      VIGIL_TI_ABUSEIPDB_URL: fake.url,
    } as NodeJS.ProcessEnv).threatIntel;
    // AbuseIPDB as a tier-1 provider here, so one call decides the score.
    lookup = createThreatLookup({
      db: t.store.db,
      providers: [{ ...abuseipdb, tier: 1 }],
      config,
      log: silent,
    });
  });
  afterAll(async () => {
    await fake.close();
    await t.dispose();
  });
  beforeEach(() => {
    threats = [];
  });

  const enrichment = (over: Partial<Parameters<typeof createEnrichment>[0]> = {}) =>
    createEnrichment({
      lookup,
      cacheTtlMs: 24 * 3_600_000,
      onThreat: (x) => threats.push(x),
      log: silent,
      ...over,
    });

  it("looks up a detected IP in the background and announces it when it scores high or critical, to its sites", async () => {
    const e = enrichment();
    const bad = ip(true);
    const clean = ip(false);
    e.enqueue(bad, "detection", "paris");
    e.enqueue(bad, "pending", "lyon");
    e.enqueue(clean, "detection", "paris");
    await e.idle();
    expect(threats).toHaveLength(1);
    expect(threats[0]).toMatchObject({ ip: bad, reason: "detection", is_malicious: true });
    expect(["high", "critical"]).toContain(threats[0]?.threat_level);
    expect(threats[0]?.sites.sort()).toEqual(["lyon", "paris"]);
    expect((await lookup.cached(clean))?.aggregated_score).toBe(0);
    expect(e.stats()).toMatchObject({ queued: 2, done: 2 });
  });

  it("spends no budget on an IP whose cached result is fresh, announces it once, and never asks about a private one", async () => {
    const e = enrichment();
    const bad = ip(true);
    await lookup.lookup(bad);
    const before = fake.requests.length;
    e.enqueue(bad, "detection", "paris");
    e.enqueue("10.0.0.7", "detection", "paris");
    await e.idle();
    expect(fake.requests.length).toBe(before);
    expect(e.stats()).toMatchObject({ cached: 1, done: 0 });
    // Nobody was told about it yet: the cached result is announced, once.
    expect(threats.map((x) => x.ip)).toEqual([bad]);
    e.enqueue(bad, "detection", "paris");
    await e.idle();
    expect(threats).toHaveLength(1);
  });

  it("keeps to its hourly budget: the lookups over it are skipped, not queued for later", async () => {
    const e = enrichment({ perHour: 2 });
    const before = fake.requests.length;
    for (let i = 0; i < 5; i++) e.enqueue(ip(false), "detection", "paris");
    await e.idle();
    expect(fake.requests.length - before).toBe(2);
    expect(e.stats()).toMatchObject({ done: 2, skipped: 3 });
  });

  it("looks up an IP once its dropped events reach the threshold within the window", async () => {
    const e = enrichment({ dropThreshold: 5 });
    const bad = ip(true);
    const ev = (action: string) => ({ src_ip: bad, action, site: "paris" }) as unknown as Event;
    e.consume([ev("drop"), ev("drop"), ev("allow"), ev("reject")]);
    await e.idle();
    expect(e.stats().queued).toBe(0);
    e.consume([ev("drop"), ev("drop"), ev("drop"), ev("drop")]);
    await e.idle();
    expect(e.stats().queued).toBe(1);
    expect(threats).toHaveLength(1);
    expect(threats[0]).toMatchObject({ ip: bad, reason: "drops", sites: ["paris"] });
  });

  it("does nothing when the budget is 0 (enrichment turned off)", async () => {
    const e = enrichment({ perHour: 0 });
    const before = fake.requests.length;
    e.enqueue(ip(true), "detection", "paris");
    await e.idle();
    expect(fake.requests.length).toBe(before);
    expect(e.stats().queued).toBe(0);
  });
});
