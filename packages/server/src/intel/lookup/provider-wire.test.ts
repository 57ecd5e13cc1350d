import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { openTestStateStore, type TestStateStore } from "../../storage/state-test-support.js";
import { TIER_1_PROVIDERS } from "../providers/tier-1.js";
import { TIER_2_3_PROVIDERS } from "../providers/tier-2-3.js";
import type { ProviderRowStatus, ThreatLookupResult } from "./lookup-result.js";
import {
  closeProviderFakes,
  type FakeVerdict,
  PER_IP_PROVIDERS,
  type PerIpProvider,
  type ProviderFakes,
  providerFakesEnv,
  startProviderFakes,
} from "./provider-fakes.js";
import { createThreatLookup } from "./threat-lookup.js";

/**
 * Every per-IP provider, one at a time, through the lookup service against its local fake speaking the
 * documented wire format (provider-fakes.ts): the exact request Vigil sends, the row each documented
 * answer gives, the quota answer's back-off, a refused key, and garbage that leaves the others intact.
 * The service's own rules (cache, shared lookups, daily limits, refusals) are in threat-lookup.test.ts.
 */
const IP = "45.155.205.233";
const SPECS = [...TIER_1_PROVIDERS, ...TIER_2_3_PROVIDERS];
const silent = { info() {}, warn() {} };

interface Wire {
  tier: 1 | 2 | 3;
  method: "GET" | "POST";
  /** Path and query Vigil must send, key included where it travels in the query. */
  path: string;
  /** [header, value] carrying the key, lowercased as received; null when it takes no key header. */
  auth: [string, string] | null;
  contentType?: string;
  body?: string;
  /** Its row's score for the fake's malicious answer. */
  malicious: number;
  /** Its row for the fake's clean answer. */
  clean: { status: ProviderRowStatus; score: number | null };
  /** What a wrong key gives: most refuse it as an error; Criminal IP's 403 may be a spent quota. */
  wrongKey: ProviderRowStatus | null;
}

const OK0 = { status: "ok", score: 0 } as const;
const NONE = { status: "not_found", score: null } as const;

const WIRE: Record<PerIpProvider, Wire> = {
  otx: {
    tier: 1,
    method: "GET",
    path: `/api/v1/indicators/IPv4/${IP}/general`,
    auth: ["x-otx-api-key", "otx-test-key"],
    malicious: 100,
    clean: OK0,
    wrongKey: "error",
  },
  threatfox: {
    tier: 1,
    method: "POST",
    path: "/api/v1/",
    auth: ["auth-key", "threatfox-test-key"],
    contentType: "application/json",
    body: `{"query":"search_ioc","search_term":"${IP}","exact_match":false}`,
    malicious: 75,
    clean: NONE,
    wrongKey: "error",
  },
  urlhaus: {
    tier: 1,
    method: "POST",
    path: "/v1/host/",
    auth: ["auth-key", "urlhaus-test-key"],
    contentType: "application/x-www-form-urlencoded",
    body: `host=${IP}`,
    malicious: 70,
    clean: NONE,
    wrongKey: "error",
  },
  internetdb: {
    tier: 1,
    method: "GET",
    path: `/${IP}`,
    auth: null,
    malicious: 76,
    clean: OK0,
    wrongKey: null,
  },
  abuseipdb: {
    tier: 2,
    method: "GET",
    path: `/api/v2/check?ipAddress=${IP}&maxAgeInDays=90&verbose`,
    auth: ["key", "abuseipdb-test-key"],
    malicious: 100,
    clean: OK0,
    wrongKey: "error",
  },
  greynoise: {
    tier: 2,
    method: "GET",
    path: `/v3/community/${IP}`,
    auth: ["key", "greynoise-test-key"],
    malicious: 85,
    clean: OK0,
    wrongKey: "error",
  },
  crowdsec: {
    tier: 2,
    method: "GET",
    path: `/v2/smoke/${IP}`,
    auth: ["x-api-key", "crowdsec-test-key"],
    malicious: 90,
    clean: OK0,
    wrongKey: "error",
  },
  virustotal: {
    tier: 3,
    method: "GET",
    path: `/api/v3/ip_addresses/${IP}`,
    auth: ["x-apikey", "virustotal-test-key"],
    malicious: 80,
    clean: OK0,
    wrongKey: "error",
  },
  criminalip: {
    tier: 3,
    method: "GET",
    path: `/v1/asset/ip/report?ip=${IP}`,
    auth: ["x-api-key", "criminalip-test-key"],
    malicious: 75,
    clean: OK0,
    wrongKey: "quota",
  },
  pulsedive: {
    tier: 3,
    method: "GET",
    path: `/api/info.php?indicator=${IP}&key=pulsedive-test-key`,
    auth: null,
    malicious: 75,
    clean: OK0,
    wrongKey: "error",
  },
};

/** Every header name some provider takes its key in: none may reach a provider it is not for. */
const KEY_HEADERS = ["x-otx-api-key", "auth-key", "key", "x-api-key", "x-apikey"];

describe("provider wire formats", () => {
  let t: TestStateStore;
  let fakes: ProviderFakes;
  let clock: number;

  beforeAll(async () => {
    t = await openTestStateStore();
    fakes = await startProviderFakes();
  });
  afterAll(async () => {
    await closeProviderFakes(fakes);
    await t.dispose();
  });
  beforeEach(async () => {
    for (const f of Object.values(fakes)) f.reset();
    await t.store.db.deleteFrom("threat_provider_usage").execute();
    await t.store.db.deleteFrom("ip_threat_scores").execute();
    clock = Date.now();
  });

  function service(vars: Record<string, string> = {}) {
    return createThreatLookup({
      db: t.store.db,
      providers: SPECS,
      config: loadConfig({
        VIGIL_CONFIG: undefined,
        ...providerFakesEnv(fakes),
        ...vars,
      } as NodeJS.ProcessEnv).threatIntel,
      now: () => new Date(clock),
      log: silent,
    });
  }

  const rowOf = (r: ThreatLookupResult, name: string) => r.providers.find((p) => p.name === name);

  describe.each(PER_IP_PROVIDERS)("%s", (name) => {
    const wire = WIRE[name];
    const fake = () => fakes[name];

    /**
     * Tier 2 and 3 are asked only when the cheaper tiers already point at the IP: a malicious answer
     * from another tier-1 provider (70 on its own) opens both.
     */
    function reachTier(): void {
      if (wire.tier === 1) return;
      fakes.otx.verdicts.set(IP, "malicious");
    }

    function tell(verdict: FakeVerdict): void {
      reachTier();
      fake().verdicts.set(IP, verdict);
    }

    it("sends the documented request and reads its malicious answer", async () => {
      tell("malicious");
      const r = await service().lookup(IP);
      expect(rowOf(r, name)).toMatchObject({ tier: wire.tier, status: "ok", score: wire.malicious });
      expect(r.sources).toContain(name);
      expect(fake().requests).toHaveLength(1);
      const [req] = fake().requests;
      expect(req?.method).toBe(wire.method);
      expect(req?.path).toBe(wire.path);
      if (wire.auth) expect(req?.headers[wire.auth[0]]).toBe(wire.auth[1]);
      for (const h of KEY_HEADERS) if (h !== wire.auth?.[0]) expect(req?.headers[h], h).toBeUndefined();
      if (wire.body !== undefined) {
        expect(req?.body).toBe(wire.body);
        expect(req?.headers["content-type"]).toBe(wire.contentType);
      } else expect(req?.body).toBe("");
      expect(req?.headers.accept).toBe("application/json");
    });

    it("reads its clean answer and its not-found answer", async () => {
      tell("clean");
      const clean = await service().lookup(IP);
      expect(rowOf(clean, name)).toMatchObject(wire.clean);

      fake().verdicts.delete(IP);
      const unknown = await service().lookup(IP, { refresh: true });
      expect(rowOf(unknown, name)).toMatchObject({ status: "not_found", score: null });
      expect(fake().requests).toHaveLength(2);
    });

    it("backs off on its quota answer until Retry-After, calling it no more meanwhile", async () => {
      tell("malicious");
      fake().throttle(120);
      const s = service();
      const first = await s.lookup(IP);
      expect(rowOf(first, name)).toMatchObject({ status: "quota", score: null });
      expect(fake().requests).toHaveLength(1);

      clock += 60_000;
      const again = await s.lookup(IP, { refresh: true });
      const until = new Date(clock - 60_000 + 120_000).toISOString();
      expect(rowOf(again, name)).toMatchObject({
        status: "quota",
        checked_at: null,
        detail: `backing off after a quota answer until ${until}`,
      });
      expect(fake().requests).toHaveLength(1);
    });

    it.skipIf(wire.wrongKey === null)("gets the provider's refusal for a wrong key", async () => {
      tell("malicious");
      const r = await service({ [`VIGIL_TI_${name.toUpperCase()}_KEY`]: "wrong-key" }).lookup(IP);
      const row = rowOf(r, name);
      expect(row).toMatchObject({ status: wire.wrongKey, score: null });
      // VirusTotal names its error code; the others say they refused the key.
      expect(row?.detail).toMatch(/refused|WrongCredentialsError/);
      expect(row?.detail).not.toContain("wrong-key");
      expect(fake().requests).toHaveLength(1);
    });

    it.each([
      ["garbage", { status: 200, body: "}{ not json" }, "not JSON: }{ not json"],
      [
        "an HTML page",
        {
          status: 200,
          body: "<!DOCTYPE html><html><body>Sign in</body></html>",
          headers: { "Content-Type": "text/html" },
        },
        "HTML page instead of JSON",
      ],
      [
        "a 5xx",
        { status: 503, body: "upstream connect error", headers: { "Content-Type": "text/plain" } },
        "HTTP 503: upstream connect error",
      ],
    ])(
      "gives its row an error on %s and leaves the others' answers intact",
      async (_what, answer, detail) => {
        for (const f of Object.values(fakes)) f.verdicts.set(IP, "malicious");
        fake().override(answer);
        const r = await service().lookup(IP);
        expect(rowOf(r, name)).toMatchObject({ status: "error", score: null, detail });
        for (const other of PER_IP_PROVIDERS.filter((n) => n !== name)) {
          expect(rowOf(r, other), other).toMatchObject({ status: "ok", score: WIRE[other].malicious });
        }
        expect(r.is_malicious).toBe(true);
      },
    );
  });

  it.each(["greynoise", "pulsedive"] as const)(
    "asks %s anonymously when it has no key, as its API allows",
    async (name) => {
      fakes.otx.verdicts.set(IP, "malicious");
      fakes[name].verdicts.set(IP, "malicious");
      const r = await service({ [`VIGIL_TI_${name.toUpperCase()}_KEY`]: "" }).lookup(IP);
      expect(rowOf(r, name)).toMatchObject({ status: "ok", score: WIRE[name].malicious });
      const [req] = fakes[name].requests;
      expect(req?.headers.key).toBeUndefined();
      expect(req?.path).not.toContain("key=");
    },
  );

  it("sends AbuseIPDB the Accept header without which it answers an HTML page", async () => {
    // The fake answers as documented: HTML without `Accept: application/json`. Vigil's request always
    // carries it (checked above), so this only proves the fake is strict enough to catch a regression.
    const res = await fetch(`${fakes.abuseipdb.url}${WIRE.abuseipdb.path}`, {
      headers: { Key: "abuseipdb-test-key" },
    });
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
  });
});
