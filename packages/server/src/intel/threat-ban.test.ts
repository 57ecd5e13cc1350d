import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config.js";
import { type BanService, createBanService } from "../response/ban-service.js";
import { DEFAULT_GEOZONE, putGeoZone } from "../response/geo-store.js";
import { detection } from "../response/policy-fixtures.js";
import { openTestStateStore, type TestStateStore } from "../storage/state-test-support.js";
import { createTestSites } from "../tenancy/test-sites.js";
import { type FakeProvider, startFakeProvider } from "./lookup/fake-provider.js";
import { createThreatLookup } from "./lookup/threat-lookup.js";
import { abuseipdb } from "./providers/abuseipdb.js";
import { fixture } from "./providers/fixtures/recorded.js";
import { otx } from "./providers/otx.js";
import { feedReputation } from "./reputation.js";
import { threatReputation } from "./threat-reputation.js";

/**
 * Threat intelligence in the ban decision (issue 10): a `validate_threat` scenario bans only an IP
 * whose aggregated score reaches the GeoZone threshold, records the score and the providers that
 * voted on the ban and its history, and falls back to the blocklist feeds, saying so, when no
 * provider answers. Real PGlite, real lookup service, local fakes of OTX and AbuseIPDB.
 */
const BAD = "45.155.205.233";
const CLEAN = "8.8.4.4";
const LISTED = "185.220.101.4";
const silent = { info() {}, warn() {} };

function otxDoc(ip: string, count: number): string {
  const pulses = Array.from({ length: Math.min(count, 3) }, (_, i) => ({
    id: `p${i}`,
    name: `pulse ${i}`,
    tags: ["ssh", "bruteforce"],
    malware_families: [],
  }));
  return JSON.stringify({ indicator: ip, type: "IPv4", pulse_info: { count, pulses }, validation: [] });
}

function abuseDoc(ip: string, score: number): string {
  const doc = JSON.parse(fixture("abuseipdb-check.json"));
  doc.data.ipAddress = ip;
  doc.data.abuseConfidenceScore = score;
  doc.data.totalReports = score === 0 ? 0 : doc.data.totalReports;
  doc.data.lastReportedAt = score === 0 ? null : new Date().toISOString();
  return JSON.stringify(doc);
}

describe("validate_threat with threat intelligence", () => {
  let t: TestStateStore;
  let fakeOtx: FakeProvider;
  let fakeAbuse: FakeProvider;
  let bans: BanService;

  beforeEach(async () => {
    t = await openTestStateStore();
    await createTestSites(t.store.db, ["paris"]);
    fakeOtx = await startFakeProvider((r) => {
      const ip = r.path.split("/")[5] ?? "";
      return { status: 200, body: otxDoc(ip, ip === BAD ? 25 : 0) };
    });
    fakeAbuse = await startFakeProvider((r) => {
      const ip = new URL(r.path, "http://x").searchParams.get("ipAddress") ?? "";
      return { status: 200, body: abuseDoc(ip, ip === BAD ? 100 : 0) };
    });
    const config = loadConfig({
      VIGIL_CONFIG: undefined,
      VIGIL_TI_OTX_KEY: "otx-secret",
      VIGIL_TI_OTX_URL: fakeOtx.url,
      VIGIL_TI_ABUSEIPDB_KEY: "abuse-secret",
      VIGIL_TI_ABUSEIPDB_URL: fakeAbuse.url,
    } as NodeJS.ProcessEnv).threatIntel;
    const lookup = createThreatLookup({ db: t.store.db, providers: [otx, abuseipdb], config, log: silent });
    const feeds = feedReputation({ feedsContaining: (ip) => (ip === LISTED ? ["firehol_level1"] : []) });
    bans = createBanService({ db: t.store.db, reputation: threatReputation({ lookup, feeds }) });
  });

  afterEach(async () => {
    await fakeOtx.close();
    await fakeAbuse.close();
    await t.dispose();
  });

  const validated = (ip: string) =>
    detection({ value: ip, url: `/x/${ip}`, validate_threat: true, country: "NL" });

  it("bans the high-scoring attacker, recording its score and the providers that voted, on the ban and in its history", async () => {
    const { decision, ban } = await bans.handleDetection(validated(BAD));
    expect(decision.kind).toBe("ban");
    expect(ban?.threat_score_at_ban).toBeGreaterThanOrEqual(50);
    expect(ban?.threat_sources).toEqual(["otx", "abuseipdb"]);
    const history = await t.store.db.selectFrom("ban_history").selectAll().where("ip", "=", BAD).execute();
    expect(history).toHaveLength(1);
    expect(history[0]?.threat_score).toBe(ban?.threat_score_at_ban);
    expect(history[0]?.threat_sources).toEqual(["otx", "abuseipdb"]);
    expect(fakeAbuse.requests[0]?.headers.key).toBe("abuse-secret");
  });

  it("turns the clean IP's detection into an alert naming the score and the threshold, and bans nothing", async () => {
    const { decision, ban } = await bans.handleDetection(validated(CLEAN));
    expect(decision.kind).toBe("alert");
    expect(decision.reason).toMatch(/threat score 0 below 50, not banned/);
    expect(ban).toBeUndefined();
    expect(await t.store.db.selectFrom("bans").selectAll().where("ip", "=", CLEAN).execute()).toEqual([]);
  });

  it("follows the GeoZone threshold an admin sets: at 0 even the clean IP is banned", async () => {
    await putGeoZone(t.store.db, { ...DEFAULT_GEOZONE, threat_score_threshold: 0 }, "test");
    const { decision, ban } = await bans.handleDetection(validated(CLEAN));
    expect(decision.kind).toBe("ban");
    expect(ban?.threat_score_at_ban).toBe(0);
    expect(ban?.threat_sources).toEqual([]);
  });

  it("when no provider answers, falls back to the blocklist feeds and the ban says so", async () => {
    fakeOtx.setHandler(() => ({
      status: 503,
      body: "<html>down</html>",
      headers: { "Content-Type": "text/html" },
    }));
    fakeAbuse.setHandler(() => ({
      status: 503,
      body: "<html>down</html>",
      headers: { "Content-Type": "text/html" },
    }));
    const listed = await bans.handleDetection(validated(LISTED));
    expect(listed.decision.kind).toBe("ban");
    expect(listed.ban?.threat_score_at_ban).toBe(60);
    expect(listed.ban?.threat_sources).toEqual(["feed:firehol_level1"]);
    expect(listed.ban?.reason).toMatch(
      /threat intelligence unavailable \(otx: error.*\): blocklist-feed reputation 60 used instead/,
    );

    const unlisted = await bans.handleDetection(validated(BAD));
    expect(unlisted.decision.kind).toBe("alert");
    expect(unlisted.decision.reason).toMatch(/threat intelligence unavailable/);
  });

  it("a detection without validate_threat spends no provider call", async () => {
    const { decision } = await bans.handleDetection(detection({ value: CLEAN, url: "/y", country: "NL" }));
    expect(decision.kind).toBe("ban");
    expect(fakeOtx.requests).toHaveLength(0);
    expect(fakeAbuse.requests).toHaveLength(0);
  });
});
