import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { parseIpOrCidr } from "../../response/ip-address.js";
import { addWhitelist } from "../../response/whitelist-store.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { abuseipdb } from "../providers/abuseipdb.js";
import { fixture, HTML_502 } from "../providers/fixtures/recorded.js";
import { greynoise } from "../providers/greynoise.js";
import { internetdb } from "../providers/internetdb.js";
import { otx } from "../providers/otx.js";
import type { ProviderSpec } from "../providers/provider.js";
import { virustotal } from "../providers/virustotal.js";
import { type FakeAnswer, type FakeProvider, type FakeRequest, startFakeProvider } from "./fake-provider.js";
import { createThreatLookup, type ThreatLookupOptions, ThreatLookupRefused } from "./threat-lookup.js";

/**
 * The lookup service against local fakes of each provider speaking its documented wire format, and
 * the state store on PGlite. No test touches the internet: every provider used has its URL set.
 */
const PROVIDERS: readonly ProviderSpec[] = [otx, internetdb, abuseipdb, greynoise, virustotal];
const BAD = "45.155.205.233";
const CLEAN = "8.8.4.4";
const silent = { info() {}, warn() {} };

/** OTX: the number of pulses per IP (absent = in none). */
const pulses = new Map<string, number>();

function otxAnswer(r: FakeRequest): FakeAnswer {
  const ip = r.path.split("/")[5] ?? "";
  const count = pulses.get(ip) ?? 0;
  const list = Array.from({ length: Math.min(count, 3) }, (_, i) => ({
    id: `p${i}`,
    name: `pulse ${i}`,
    tags: ["ssh", "bruteforce"],
    malware_families: [],
  }));
  const doc = {
    indicator: ip,
    type: "IPv4",
    pulse_info: { count, pulses: list },
    validation: [],
    false_positive: [],
  };
  return { status: 200, body: JSON.stringify(doc) };
}

/** AbuseIPDB: the recorded check answer, reported today (so no staleness decay) and at 100. */
function abuseAnswer(r: FakeRequest): FakeAnswer {
  const doc = JSON.parse(fixture("abuseipdb-check.json"));
  const ip = new URL(r.path, "http://x").searchParams.get("ipAddress");
  doc.data.ipAddress = ip;
  doc.data.lastReportedAt = new Date().toISOString();
  return { status: 200, body: JSON.stringify(doc) };
}

const notFound: FakeAnswer = { status: 404, body: '{"detail":"No information available"}' };

describe("threat lookup", () => {
  let t: TestStateStore;
  const fakes: Record<string, FakeProvider> = {};
  let clock: number;

  beforeEach(async () => {
    t = await openTestStateStore();
    pulses.clear();
    clock = Date.now();
    fakes.otx = await startFakeProvider(otxAnswer);
    fakes.internetdb = await startFakeProvider(() => notFound);
    fakes.abuseipdb = await startFakeProvider(abuseAnswer);
    fakes.greynoise = await startFakeProvider(() => ({
      status: 200,
      body: fixture("greynoise-malicious.json"),
    }));
    fakes.virustotal = await startFakeProvider(() => ({ status: 200, body: fixture("virustotal-ip.json") }));
  });

  afterEach(async () => {
    for (const f of Object.values(fakes)) await f.close();
    await t.dispose();
  });

  function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      VIGIL_CONFIG: undefined,
      VIGIL_TI_OTX_KEY: "otx-secret",
      VIGIL_TI_ABUSEIPDB_KEY: "abuse-secret",
      VIGIL_TI_VIRUSTOTAL_KEY: "vt-secret",
      VIGIL_TI_OTX_URL: fakes.otx?.url ?? "",
      VIGIL_TI_INTERNETDB_URL: fakes.internetdb?.url ?? "",
      VIGIL_TI_ABUSEIPDB_URL: fakes.abuseipdb?.url ?? "",
      VIGIL_TI_GREYNOISE_URL: fakes.greynoise?.url ?? "",
      VIGIL_TI_VIRUSTOTAL_URL: fakes.virustotal?.url ?? "",
      ...extra,
    } as NodeJS.ProcessEnv;
  }

  function service(extra: Partial<ThreatLookupOptions> = {}, vars: Record<string, string> = {}) {
    return createThreatLookup({
      db: t.store.db,
      providers: PROVIDERS,
      config: loadConfig(env(vars)).threatIntel,
      now: () => new Date(clock),
      log: silent,
      ...extra,
    });
  }

  const calls = () => Object.fromEntries(Object.entries(fakes).map(([k, f]) => [k, f.requests.length]));

  it("scores an IP in many OTX pulses and at 100 on AbuseIPDB at 50 or more, sending each provider its key header", async () => {
    pulses.set(BAD, 25);
    const r = await service({ geo: () => ({ country: "NL", asn: 64500 }) }).lookup(BAD);
    expect(r.aggregated_score).toBeGreaterThanOrEqual(50);
    expect(r.is_malicious).toBe(true);
    expect(r.cached).toBe(false);
    expect(r).toMatchObject({ ip: BAD, country: "NL", asn: 64500 });
    expect(r.sources).toEqual(expect.arrayContaining(["otx", "abuseipdb"]));
    expect(r.categories).toContain("ssh");

    const [otxReq] = fakes.otx?.requests ?? [];
    expect(otxReq?.path).toBe(`/api/v1/indicators/IPv4/${BAD}/general`);
    expect(otxReq?.headers["x-otx-api-key"]).toBe("otx-secret");
    expect(fakes.abuseipdb?.requests).toHaveLength(1);
    const [abuseReq] = fakes.abuseipdb?.requests ?? [];
    expect(abuseReq?.path).toBe(`/api/v2/check?ipAddress=${BAD}&maxAgeInDays=90&verbose`);
    expect(abuseReq?.headers.key).toBe("abuse-secret");
    expect(abuseReq?.headers.accept).toBe("application/json");

    const row = (name: string) => r.providers.find((p) => p.name === name);
    expect(row("otx")).toMatchObject({ tier: 1, status: "ok", score: 100 });
    expect(row("internetdb")).toMatchObject({ status: "not_found", score: null });
    expect(row("abuseipdb")).toMatchObject({ tier: 2, status: "ok", score: 100 });
    expect(row("abuseipdb")?.checked_at).toBe(new Date(clock).toISOString());
    // Above 60 after tier 2, so tier 3 was asked too.
    expect(row("virustotal")?.status).toBe("ok");
    expect(fakes.virustotal?.requests[0]?.headers["x-apikey"]).toBe("vt-secret");
  });

  it("keeps a clean IP below 30 and asks no tier-2 or tier-3 provider about it", async () => {
    const r = await service().lookup(CLEAN);
    expect(r.aggregated_score).toBeLessThan(30);
    expect(r.is_malicious).toBe(false);
    expect(calls()).toEqual({ otx: 1, internetdb: 1, abuseipdb: 0, greynoise: 0, virustotal: 0 });
    for (const name of ["abuseipdb", "greynoise", "virustotal"]) {
      expect(r.providers.find((p) => p.name === name)).toMatchObject({ status: "skipped", checked_at: null });
    }
  });

  it("serves a second lookup within the TTL from the cache, across a restart, and asks again on refresh or once it is stale", async () => {
    pulses.set(BAD, 25);
    const first = await service().lookup(BAD);
    const spent = calls();
    clock += 23 * 3_600_000;
    const again = await service().lookup(BAD);
    expect(again).toEqual({ ...first, cached: true });
    expect(calls()).toEqual(spent);

    await t.store.close();
    t.store = await t.reopen();
    const afterRestart = await service().lookup(BAD);
    expect(afterRestart.cached).toBe(true);
    expect(calls()).toEqual(spent);

    const refreshed = await service().lookup(BAD, { refresh: true });
    expect(refreshed.cached).toBe(false);
    expect(fakes.otx?.requests).toHaveLength(2);

    clock += 24 * 3_600_000 + 1;
    expect((await service().lookup(BAD)).cached).toBe(false);
    expect(fakes.otx?.requests).toHaveLength(3);

    const short = service({}, { VIGIL_TI_CACHE_HOURS: "1" });
    clock += 3_600_001;
    expect((await short.lookup(BAD)).cached).toBe(false);
  });

  it("lets concurrent lookups of one IP share one set of provider calls", async () => {
    pulses.set(BAD, 25);
    const s = service();
    const [a, b, c] = await Promise.all([s.lookup(BAD), s.lookup(BAD), s.lookup(BAD, { refresh: true })]);
    expect(a).toEqual(b);
    expect(c.aggregated_score).toBe(a.aggregated_score);
    expect(fakes.otx?.requests).toHaveLength(1);
    expect(fakes.abuseipdb?.requests).toHaveLength(1);
  });

  it("backs a provider off after a 429 with Retry-After, until that time has passed", async () => {
    pulses.set(BAD, 25);
    fakes.abuseipdb?.setHandler(() => ({
      status: 429,
      body: fixture("abuseipdb-429.json"),
      headers: { "Retry-After": "3600" },
    }));
    const s = service();
    const r = await s.lookup(BAD);
    expect(r.providers.find((p) => p.name === "abuseipdb")).toMatchObject({ status: "quota", score: null });
    expect(r.providers.find((p) => p.name === "otx")?.status).toBe("ok");
    expect(fakes.abuseipdb?.requests).toHaveLength(1);

    fakes.abuseipdb?.setHandler(abuseAnswer);
    clock += 1000;
    const during = await s.lookup(BAD, { refresh: true });
    const row = during.providers.find((p) => p.name === "abuseipdb");
    expect(row).toMatchObject({ status: "quota", checked_at: null });
    expect(row?.detail).toMatch(/backing off/);
    expect(fakes.abuseipdb?.requests).toHaveLength(1);

    clock += 3600 * 1000;
    const after = await s.lookup(BAD, { refresh: true });
    expect(after.providers.find((p) => p.name === "abuseipdb")?.status).toBe("ok");
    expect(fakes.abuseipdb?.requests).toHaveLength(2);
  });

  it("backs off until the next UTC day after a quota answer without Retry-After", async () => {
    pulses.set(BAD, 25);
    fakes.abuseipdb?.setHandler(() => ({ status: 429, body: fixture("abuseipdb-429.json") }));
    const s = service();
    await s.lookup(BAD);
    const row = (await s.lookup(BAD, { refresh: true })).providers.find((p) => p.name === "abuseipdb");
    const midnight = new Date(clock);
    midnight.setUTCHours(24, 0, 0, 0);
    expect(row?.detail).toContain(midnight.toISOString());
  });

  it("gives a provider answering an HTML 502 an error row and keeps the others' answers", async () => {
    pulses.set(BAD, 25);
    fakes.internetdb?.setHandler(() => ({
      status: 502,
      body: HTML_502,
      headers: { "Content-Type": "text/html" },
    }));
    const r = await service().lookup(BAD);
    expect(r.providers.find((p) => p.name === "internetdb")).toMatchObject({
      status: "error",
      detail: "HTTP 502 with an HTML page instead of JSON",
    });
    expect(r.providers.find((p) => p.name === "otx")?.status).toBe("ok");
    expect(r.providers.find((p) => p.name === "abuseipdb")?.status).toBe("ok");
    expect(r.aggregated_score).toBeGreaterThanOrEqual(50);
  });

  it("gives an unreachable or silent provider an error row within its timeout", async () => {
    pulses.set(BAD, 25);
    fakes.internetdb?.setHandler(() => ({ status: 200, body: "", hang: true }));
    const r = await service({ timeoutMs: 200 }, { VIGIL_TI_GREYNOISE_URL: "http://127.0.0.1:1" }).lookup(BAD);
    expect(r.providers.find((p) => p.name === "internetdb")).toMatchObject({
      status: "error",
      detail: "no answer within 0.2 s",
    });
    expect(r.providers.find((p) => p.name === "greynoise")?.detail).toMatch(/^unreachable: /);
    expect(r.providers.find((p) => p.name === "abuseipdb")?.status).toBe("ok");
  });

  it("never exceeds a provider's daily quota, even under concurrent lookups", async () => {
    const ips = ["45.155.205.1", "45.155.205.2", "45.155.205.3", "45.155.205.4", "45.155.205.5"];
    for (const ip of ips) pulses.set(ip, 25);
    const s = service({ quotas: { abuseipdb: 2 } });
    const results = await Promise.all(ips.map((ip) => s.lookup(ip)));
    expect(fakes.abuseipdb?.requests).toHaveLength(2);
    const statuses = results.map((r) => r.providers.find((p) => p.name === "abuseipdb")?.status);
    expect(statuses.filter((x) => x === "ok")).toHaveLength(2);
    expect(statuses.filter((x) => x === "quota")).toHaveLength(3);
    const used = await t.store.db
      .selectFrom("threat_provider_usage")
      .select("used")
      .where("provider", "=", "abuseipdb")
      .executeTakeFirst();
    expect(used?.used).toBe(2);
    // The next UTC day starts a fresh count.
    clock += 24 * 3_600_000;
    await s.lookup(ips[0] as string, { refresh: true });
    expect(fakes.abuseipdb?.requests).toHaveLength(3);
  });

  it("marks a provider that needs a key and has none as not configured, without calling it", async () => {
    pulses.set(BAD, 25);
    const r = await service({}, { VIGIL_TI_ABUSEIPDB_KEY: "" }).lookup(BAD);
    expect(r.providers.find((p) => p.name === "abuseipdb")).toMatchObject({
      status: "not_configured",
      detail: expect.stringContaining("VIGIL_TI_ABUSEIPDB_KEY"),
    });
    expect(fakes.abuseipdb?.requests).toHaveLength(0);
  });

  it("refuses private, loopback, link-local, documentation, whitelisted and invalid addresses without calling anyone", async () => {
    await addWhitelist(
      t.store.db,
      { range: parseIpOrCidr("93.184.216.0/24") as never, type: "hard", reason: "partner" },
      "test",
    );
    const s = service();
    const cases: [string, string][] = [
      ["10.1.2.3", "internal"],
      ["127.0.0.1", "internal"],
      ["::1", "internal"],
      ["169.254.10.1", "internal"],
      ["fe80::1", "internal"],
      ["192.0.2.10", "internal"],
      ["2001:db8::5", "internal"],
      ["93.184.216.34", "whitelisted"],
      ["not-an-ip", "invalid"],
    ];
    for (const [ip, kind] of cases) {
      const err = await s.lookup(ip).catch((e: unknown) => e);
      expect(err, ip).toBeInstanceOf(ThreatLookupRefused);
      expect((err as ThreatLookupRefused).kind, ip).toBe(kind);
    }
    expect(calls()).toEqual({ otx: 0, internetdb: 0, abuseipdb: 0, greynoise: 0, virustotal: 0 });
  });

  it("does not cache a lookup no provider answered", async () => {
    for (const f of [fakes.otx, fakes.internetdb]) f?.setHandler(() => ({ status: 502, body: HTML_502 }));
    const s = service();
    expect((await s.lookup(BAD)).aggregated_score).toBe(0);
    expect(await s.cached(BAD)).toBeNull();
  });
});
