import { fixture } from "../providers/fixtures/recorded.js";
import type { ProviderName } from "../providers/provider.js";
import { type FakeAnswer, type FakeProvider, type FakeRequest, startFakeProvider } from "./fake-provider.js";

/**
 * Test and benchmark support: a local fake of every per-IP threat-intelligence provider, speaking the
 * wire format documented in ../shared/reference/threat-intel-providers.md: it answers only on the
 * documented method and path, checks the documented key (header, or Pulsedive's `key` parameter) and
 * refuses a wrong or missing one the way the provider does, sends the documented not-found answer for
 * an IP it was not told about, the provider's quota answer (429 with `Retry-After`, or Criminal IP's
 * 403) when throttled, and for a known IP a verdict built from the recorded fixtures.
 *
 * Where the reference documents no body for an answer (OTX's refusal, CrowdSec's 404 and 403…), the
 * body used is marked "(not documented)" below: Vigil must not depend on its wording.
 *
 *     const fakes = await startProviderFakes();
 *     fakes.otx.verdicts.set("45.155.205.233", "malicious");
 *     loadConfig({ ...providerFakesEnv(fakes) })  // VIGIL_TI_<NAME>_URL and _KEY for each
 */

/** IPsum is a daily file, not asked per IP, so it has no fake here. */
export type PerIpProvider = Exclude<ProviderName, "ipsum">;

export const PER_IP_PROVIDERS: readonly PerIpProvider[] = [
  "otx",
  "threatfox",
  "urlhaus",
  "internetdb",
  "abuseipdb",
  "greynoise",
  "crowdsec",
  "virustotal",
  "criminalip",
  "pulsedive",
];

/**
 * What a provider knows of an IP: `malicious` (its strongest usual answer), `suspicious` (a middling
 * one), `clean` (it knows the IP and holds nothing against it; ThreatFox and URLhaus list only bad
 * hosts, so for them this is their not-found answer). An IP with no verdict is unknown to it.
 */
export type FakeVerdict = "malicious" | "suspicious" | "clean";

/** Where the key travels: a header (case-insensitive name) or a query parameter. */
type KeyPlace = { header: string } | { query: string };

interface WireFormat {
  /** null: no key at all (InternetDB). */
  key: KeyPlace | null;
  /** Whether a request without a key is refused (GreyNoise and Pulsedive serve anonymous calls). */
  keyRequired: boolean;
  /** The IP asked about when `req` is the documented request (method, path, body), else null. */
  ipOf(req: FakeRequest): string | null;
  answer(ip: string, verdict: FakeVerdict | undefined, req: FakeRequest): FakeAnswer;
  /** The answer to a missing or wrong key (absent when it takes none). */
  refused?(req: FakeRequest): FakeAnswer;
  /** The quota answer; `retryAfter` headers included when given. */
  quota(retryAfter: Record<string, string>): FakeAnswer;
}

function json(status: number, doc: unknown, headers: Record<string, string> = {}): FakeAnswer {
  return { status, body: JSON.stringify(doc), headers };
}

function recorded(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name)) as Record<string, unknown>;
}

function pathOf(req: FakeRequest): string {
  return new URL(req.path, "http://fake").pathname;
}

function queryOf(req: FakeRequest): URLSearchParams {
  return new URL(req.path, "http://fake").searchParams;
}

/** The one path segment after `prefix`, decoded, when the path is exactly `prefix` + segment + `suffix`. */
function segment(req: FakeRequest, method: string, prefix: string, suffix = ""): string | null {
  if (req.method !== method) return null;
  const path = pathOf(req);
  if (!path.startsWith(prefix) || !path.endsWith(suffix)) return null;
  const seg = path.slice(prefix.length, path.length - suffix.length);
  return seg && !seg.includes("/") ? decodeURIComponent(seg) : null;
}

/** A generic 429 for providers whose quota body is not documented (not documented). */
function tooMany(retryAfter: Record<string, string>): FakeAnswer {
  return json(429, { message: "Too Many Requests" }, retryAfter);
}

const HTML_PAGE: FakeAnswer = {
  status: 200,
  body: "<!DOCTYPE html><html><head><title>AbuseIPDB</title></head><body>Check an IP</body></html>",
  headers: { "Content-Type": "text/html; charset=UTF-8" },
};

/** Anything but the documented request: the provider's front door would not know the route. */
const NO_ROUTE: FakeAnswer = {
  status: 404,
  body: "<html><body><h1>404 Not Found</h1></body></html>",
  headers: { "Content-Type": "text/html" },
};

const OTX: WireFormat = {
  key: { header: "X-OTX-API-KEY" },
  keyRequired: true,
  ipOf(req) {
    if (req.method !== "GET") return null;
    const m = /^\/api\/v1\/indicators\/(IPv4|IPv6)\/([^/]+)\/general$/.exec(pathOf(req));
    return m ? decodeURIComponent(m[2] as string) : null;
  },
  answer(ip, verdict) {
    const doc = recorded("otx-general.json");
    doc.indicator = ip;
    const info = doc.pulse_info as { count: number; pulses: unknown[] };
    if (verdict === "malicious") return json(200, doc);
    if (verdict === "suspicious") {
      info.count = 5;
      return json(200, doc);
    }
    // Not found is a 200 with no pulse; "clean" is OTX's whitelist validation on top of that.
    info.count = 0;
    info.pulses = [];
    if (verdict === "clean")
      doc.validation = [
        { source: "whitelist", message: "contained in whitelisted prefix", name: "Whitelisted IP" },
      ];
    return json(200, doc);
  },
  // (not documented in the reference; users report this 403 for a bad key, yeti-platform/yeti#518)
  refused: () => json(403, { detail: "Authentication required" }),
  quota: tooMany,
};

const THREATFOX: WireFormat = {
  key: { header: "Auth-Key" },
  keyRequired: true,
  ipOf(req) {
    if (req.method !== "POST" || pathOf(req) !== "/api/v1/") return null;
    try {
      const q = JSON.parse(req.body) as Record<string, unknown>;
      return q.query === "search_ioc" && typeof q.search_term === "string" ? q.search_term : null;
    } catch {
      return null;
    }
  },
  answer(ip, verdict) {
    if (verdict !== "malicious" && verdict !== "suspicious")
      return json(200, recorded("threatfox-no-result.json"));
    const doc = recorded("threatfox-search.json");
    const [ioc] = doc.data as Record<string, unknown>[];
    if (!ioc) throw new Error("threatfox-search.json has no IOC");
    ioc.ioc = ip.includes(":") ? `[${ip}]:443` : `${ip}:443`;
    if (verdict === "suspicious") {
      ioc.confidence_level = 50;
      ioc.threat_type = "payload_delivery";
    }
    return json(200, doc);
  },
  // 401 without a key is documented; its body is not (abuse.ch's URLhaus shape used).
  refused: () => json(401, { query_status: "unknown_auth_key" }),
  quota: tooMany,
};

const URLHAUS: WireFormat = {
  key: { header: "Auth-Key" },
  keyRequired: true,
  ipOf(req) {
    if (req.method !== "POST" || pathOf(req) !== "/v1/host/") return null;
    if (!/^application\/x-www-form-urlencoded/.test(String(req.headers["content-type"]))) return null;
    return new URLSearchParams(req.body).get("host");
  },
  answer(ip, verdict) {
    if (verdict !== "malicious" && verdict !== "suspicious")
      return json(200, recorded("urlhaus-no-results.json"));
    const doc = recorded("urlhaus-host.json");
    doc.host = ip;
    // Malicious: one URL still online; suspicious: all taken down.
    if (verdict === "suspicious")
      for (const u of doc.urls as Record<string, unknown>[]) u.url_status = "offline";
    return json(200, doc);
  },
  refused: () => json(401, { query_status: "unknown_auth_key" }),
  quota: tooMany,
};

const INTERNETDB: WireFormat = {
  key: null,
  keyRequired: false,
  ipOf: (req) => segment(req, "GET", "/"),
  answer(ip, verdict) {
    if (verdict === undefined) return json(404, recorded("internetdb-not-found.json"));
    const doc = recorded("internetdb-host.json");
    doc.ip = ip;
    if (verdict === "malicious") {
      doc.tags = ["c2", "compromised"];
      doc.vulns = ["CVE-2023-38408", "CVE-2024-6387", "CVE-2021-44228"];
    } else if (verdict === "clean") {
      doc.tags = ["cdn", "cloud"];
      doc.vulns = [];
    }
    return json(200, doc);
  },
  // 429 when throttled is documented; its body is not.
  quota: (h) => json(429, { detail: "Too Many Requests" }, h),
};

const ABUSEIPDB: WireFormat = {
  key: { header: "Key" },
  keyRequired: true,
  ipOf(req) {
    if (req.method !== "GET" || pathOf(req) !== "/api/v2/check") return null;
    return queryOf(req).get("ipAddress");
  },
  answer(ip, verdict, req) {
    // Documented: without `Accept: application/json` the API answers with an HTML page.
    if (req.headers.accept !== "application/json") return HTML_PAGE;
    if (verdict === undefined) {
      const doc = recorded("abuseipdb-not-found.json");
      (doc.data as Record<string, unknown>).ipAddress = ip;
      return json(200, doc);
    }
    const doc = recorded("abuseipdb-check.json");
    const d = doc.data as Record<string, unknown>;
    d.ipAddress = ip;
    // Reported today, so Vigil's staleness decay does not apply.
    d.lastReportedAt = new Date().toISOString();
    if (verdict === "suspicious")
      Object.assign(d, { abuseConfidenceScore: 45, totalReports: 3, numDistinctUsers: 2 });
    if (verdict === "clean")
      Object.assign(d, { abuseConfidenceScore: 0, totalReports: 1, numDistinctUsers: 1, reports: [] });
    return json(200, doc);
  },
  refused: () => json(401, recorded("abuseipdb-401.json")),
  quota: (h) =>
    json(429, recorded("abuseipdb-429.json"), {
      "X-RateLimit-Limit": "1000",
      "X-RateLimit-Remaining": "0",
      ...h,
    }),
};

const GREYNOISE: WireFormat = {
  key: { header: "key" },
  keyRequired: false,
  ipOf: (req) => segment(req, "GET", "/v3/community/"),
  answer(ip, verdict) {
    if (verdict === undefined) return json(404, { ...recorded("greynoise-not-found.json"), ip });
    if (verdict === "clean") return json(200, { ...recorded("greynoise-riot.json"), ip });
    const doc: Record<string, unknown> = { ...recorded("greynoise-malicious.json"), ip };
    if (verdict === "suspicious") doc.classification = "unknown";
    return json(200, doc);
  },
  // 401 for a bad key is documented; its body is not.
  refused: () => json(401, { message: "Unauthorized" }),
  quota: tooMany,
};

const CROWDSEC: WireFormat = {
  key: { header: "x-api-key" },
  keyRequired: true,
  ipOf: (req) => segment(req, "GET", "/v2/smoke/"),
  answer(ip, verdict) {
    // 404 for an IP it never saw is documented; its body is not.
    if (verdict === undefined) return json(404, { message: "IP address information not found" });
    const doc: Record<string, unknown> = { ...recorded("crowdsec-smoke.json"), ip };
    if (verdict === "suspicious") {
      doc.reputation = "suspicious";
      doc.classifications = { false_positives: [], classifications: [] };
    } else if (verdict === "clean") {
      Object.assign(doc, { reputation: "safe", behaviors: [], attack_details: [] });
      doc.classifications = { false_positives: [], classifications: [] };
    }
    return json(200, doc);
  },
  // 403 = bad key is documented; its body is not.
  refused: () => json(403, { message: "Forbidden" }),
  quota: (h) => json(429, { message: "request quota exceeded" }, h),
};

const VIRUSTOTAL: WireFormat = {
  key: { header: "x-apikey" },
  keyRequired: true,
  ipOf: (req) => segment(req, "GET", "/api/v3/ip_addresses/"),
  answer(ip, verdict) {
    if (verdict === undefined) return json(404, recorded("virustotal-not-found.json"));
    const doc = recorded("virustotal-ip.json");
    const data = doc.data as Record<string, unknown>;
    data.id = ip;
    const stats = (data.attributes as Record<string, unknown>).last_analysis_stats as Record<string, number>;
    if (verdict === "suspicious") Object.assign(stats, { malicious: 3, suspicious: 2 });
    if (verdict === "clean") {
      Object.assign(stats, { harmless: 70, malicious: 0, suspicious: 0 });
      (data.attributes as Record<string, unknown>).last_analysis_results = {};
    }
    return json(200, doc);
  },
  refused: (req) =>
    req.headers["x-apikey"] === undefined
      ? json(401, { error: { code: "AuthenticationRequiredError", message: "X-Apikey header is missing" } })
      : json(401, { error: { code: "WrongCredentialsError", message: "Wrong API key" } }),
  quota: (h) => json(429, recorded("virustotal-quota.json"), h),
};

const CRIMINALIP: WireFormat = {
  key: { header: "x-api-key" },
  keyRequired: true,
  ipOf(req) {
    if (req.method !== "GET" || pathOf(req) !== "/v1/asset/ip/report") return null;
    return queryOf(req).get("ip");
  },
  answer(ip, verdict) {
    // Its "not found" is a JSON status other than 200 with a message (wording not documented).
    if (verdict === undefined) return json(200, { status: 404, message: "no data for this ip" });
    const doc: Record<string, unknown> = { ...recorded("criminalip-report.json"), ip };
    const issues = doc.issues as Record<string, boolean>;
    if (verdict === "malicious") {
      doc.score = { inbound: "Dangerous", outbound: "Moderate" };
      doc.abuse_record_count = 41;
      issues.is_scanner = true;
    } else if (verdict === "suspicious") {
      doc.score = { inbound: "Moderate", outbound: "Low" };
    } else {
      doc.score = { inbound: "Safe", outbound: "Safe" };
      doc.abuse_record_count = 0;
    }
    return json(200, doc);
  },
  // One client reports HTTP 403 for a bad key and for a spent quota alike (reference 1.6).
  refused: () => json(403, { status: 403, message: "invalid api key" }),
  quota: (h) => json(403, { status: 403, message: "limit exceeded" }, h),
};

const PULSEDIVE: WireFormat = {
  key: { query: "key" },
  keyRequired: false,
  ipOf(req) {
    if (req.method !== "GET" || pathOf(req) !== "/api/info.php") return null;
    return queryOf(req).get("indicator");
  },
  answer(ip, verdict) {
    if (verdict === undefined) return json(404, recorded("pulsedive-not-found.json"));
    const doc: Record<string, unknown> = { ...recorded("pulsedive-info.json"), indicator: ip };
    if (verdict === "suspicious") Object.assign(doc, { risk: "medium", risk_recommended: "medium" });
    if (verdict === "clean") Object.assign(doc, { risk: "none", risk_recommended: "none", threats: [] });
    return json(200, doc);
  },
  // (not documented)
  refused: () => json(403, { error: "Invalid API key." }),
  // The 429 body is documented; Retry-After "may be absent".
  quota: (h) => json(429, recorded("pulsedive-429.json"), h),
};

const WIRE: Record<PerIpProvider, WireFormat> = {
  otx: OTX,
  threatfox: THREATFOX,
  urlhaus: URLHAUS,
  internetdb: INTERNETDB,
  abuseipdb: ABUSEIPDB,
  greynoise: GREYNOISE,
  crowdsec: CROWDSEC,
  virustotal: VIRUSTOTAL,
  criminalip: CRIMINALIP,
  pulsedive: PULSEDIVE,
};

export interface ProviderFake {
  name: PerIpProvider;
  /** The base URL, for `VIGIL_TI_<NAME>_URL`. */
  url: string;
  /** The key it accepts (null for InternetDB, which takes none). */
  key: string | null;
  /** Where that key travels, as documented. */
  keyPlace: KeyPlace | null;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** What it knows per IP; an IP absent here gets the not-found answer. */
  verdicts: Map<string, FakeVerdict>;
  /** Send the quota answer from now on, with `Retry-After: seconds` unless null. */
  throttle(retryAfterS: number | null): void;
  /** Send `answer` from now on whatever is asked (garbage, HTML, a 5xx); null = back to normal. */
  override(answer: FakeAnswer | null): void;
  /** Forget verdicts, throttling, overrides and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

function keyOf(req: FakeRequest, place: KeyPlace): string | undefined {
  if ("query" in place) return queryOf(req).get(place.query) ?? undefined;
  const v = req.headers[place.header.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export async function startProviderFake(
  name: PerIpProvider,
  opts: { key?: string } = {},
): Promise<ProviderFake> {
  const wire = WIRE[name];
  const key = wire.key ? (opts.key ?? `${name}-test-key`) : null;
  const verdicts = new Map<string, FakeVerdict>();
  let throttled: Record<string, string> | null = null;
  let overridden: FakeAnswer | null = null;
  const fake: FakeProvider = await startFakeProvider((req) => {
    if (overridden) return overridden;
    const ip = wire.ipOf(req);
    if (ip === null) return NO_ROUTE;
    if (wire.key && wire.refused) {
      const sent = keyOf(req, wire.key);
      if (sent === undefined ? wire.keyRequired : sent !== key) return wire.refused(req);
    }
    if (throttled) return wire.quota(throttled);
    return wire.answer(ip, verdicts.get(ip), req);
  });
  return {
    name,
    url: fake.url,
    key,
    keyPlace: wire.key,
    requests: fake.requests,
    verdicts,
    throttle(retryAfterS) {
      throttled = retryAfterS === null ? {} : { "Retry-After": String(retryAfterS) };
    },
    override(answer) {
      overridden = answer;
    },
    reset() {
      verdicts.clear();
      throttled = null;
      overridden = null;
      fake.requests.length = 0;
    },
    close: () => fake.close(),
  };
}

export type ProviderFakes = Record<PerIpProvider, ProviderFake>;

/** One fake per per-IP provider (or the ones named), started in parallel. */
export async function startProviderFakes(
  names: readonly PerIpProvider[] = PER_IP_PROVIDERS,
): Promise<ProviderFakes> {
  const started = await Promise.all(names.map((n) => startProviderFake(n)));
  return Object.fromEntries(started.map((f) => [f.name, f])) as ProviderFakes;
}

/** `VIGIL_TI_<NAME>_URL` (and `_KEY` where it takes one) for every fake, for `loadConfig`. */
export function providerFakesEnv(fakes: Partial<ProviderFakes>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const f of Object.values(fakes)) {
    if (!f) continue;
    const upper = f.name.toUpperCase();
    env[`VIGIL_TI_${upper}_URL`] = f.url;
    if (f.key !== null) env[`VIGIL_TI_${upper}_KEY`] = f.key;
  }
  return env;
}

export async function closeProviderFakes(fakes: Partial<ProviderFakes>): Promise<void> {
  await Promise.all(Object.values(fakes).map((f) => f?.close()));
}
