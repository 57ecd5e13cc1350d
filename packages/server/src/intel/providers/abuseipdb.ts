import type { ProviderSpec, ProviderVerdict } from "./provider.js";
import {
  clampScore,
  headerValue,
  httpErrorVerdict,
  isObject,
  KNOWN_BENIGN,
  quotaVerdict,
  readJson,
  unexpected,
} from "./provider-read.js";

/**
 * AbuseIPDB v2 `check` (reference 1.1). Tier 2, key in the `Key` header; without
 * `Accept: application/json` the API answers with an HTML page, so that header is not optional.
 *
 * Scale (reference 1.12): `abuseConfidenceScore` is already 0–100 and is taken as is, with two
 * corrections:
 * - `isWhitelisted` → 0 and the KNOWN_BENIGN category (AbuseIPDB itself vouches for the address);
 * - a stale score decays: a confidence of 100 whose last report is months old says little about
 *   today. Past half the look-back window (45 of 90 days) the score shrinks linearly to half at the
 *   window's end. "Now" is the answer's `Date` header, so the mapping stays pure; without it, no decay.
 * `totalReports: 0` is AbuseIPDB's way of saying it has never heard of the IP → not_found.
 * The answer carries its own weight for the aggregator: 0.9 when at least 5 distinct users reported
 * the IP (independent witnesses), else 0.6, the provider's usual weight.
 *
 * Categories come from the reports' numeric ids (present because we ask with `verbose`).
 */
export const ABUSEIPDB_MAX_AGE_DAYS = 90;

/** Distinct reporters from which an AbuseIPDB answer is trusted more, and the two weights. */
export const ABUSEIPDB_WEIGHT = { many_reporters: 5, many: 0.9, few: 0.6 } as const;

const DAY_MS = 86_400_000;

/** AbuseIPDB's report category ids (abuseipdb.com/categories), lowercased for display. */
const CATEGORY_NAMES: Record<number, string> = {
  1: "dns compromise",
  2: "dns poisoning",
  3: "fraud orders",
  4: "ddos attack",
  5: "ftp brute-force",
  6: "ping of death",
  7: "phishing",
  8: "fraud voip",
  9: "open proxy",
  10: "web spam",
  11: "email spam",
  12: "blog spam",
  13: "vpn ip",
  14: "port scan",
  15: "hacking",
  16: "sql injection",
  17: "spoofing",
  18: "brute-force",
  19: "bad web bot",
  20: "exploited host",
  21: "web app attack",
  22: "ssh",
  23: "iot targeted",
};

const MAX_CATEGORIES = 10;

/** Categories by how often reporters used them, most frequent first. */
function categoriesOf(reports: unknown): string[] {
  if (!Array.isArray(reports)) return [];
  const counts = new Map<string, number>();
  for (const r of reports) {
    if (!isObject(r) || !Array.isArray(r.categories)) continue;
    for (const id of r.categories) {
      const name = typeof id === "number" ? CATEGORY_NAMES[id] : undefined;
      if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_CATEGORIES)
    .map(([name]) => name);
}

/** 1 while fresh, then linear down to 0.5 at the end of the look-back window (and no lower). */
export function staleFactor(lastReportedAt: unknown, nowHeader: string | undefined): number {
  if (typeof lastReportedAt !== "string" || nowHeader === undefined) return 1;
  const last = Date.parse(lastReportedAt);
  const now = Date.parse(nowHeader);
  if (Number.isNaN(last) || Number.isNaN(now)) return 1;
  const ageDays = (now - last) / DAY_MS;
  const half = ABUSEIPDB_MAX_AGE_DAYS / 2;
  if (ageDays <= half) return 1;
  return Math.max(0.5, 1 - (0.5 * (ageDays - half)) / half);
}

function readCheck(doc: unknown, headers: Record<string, string>): ProviderVerdict {
  if (!isObject(doc) || !isObject(doc.data)) return unexpected("no data object");
  const d = doc.data;
  const confidence = d.abuseConfidenceScore;
  const reports = d.totalReports;
  if (typeof confidence !== "number" || typeof reports !== "number") {
    return unexpected("no abuseConfidenceScore/totalReports");
  }
  const isTor = d.isTor === true;
  if (d.isWhitelisted === true) {
    return {
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
      detail: `whitelisted by AbuseIPDB (${reports} reports, confidence ${confidence})`,
      is_tor: isTor,
    };
  }
  if (reports <= 0) return { status: "not_found", detail: "never reported to AbuseIPDB" };
  const users = typeof d.numDistinctUsers === "number" ? d.numDistinctUsers : 0;
  const last = typeof d.lastReportedAt === "string" ? d.lastReportedAt : null;
  const factor = staleFactor(last, headerValue(headers, "date"));
  const decayed = factor < 1 ? `, decayed ×${factor.toFixed(2)} as stale` : "";
  return {
    status: "ok",
    score: clampScore(confidence * factor),
    categories: categoriesOf(d.reports),
    detail:
      `reported ${reports} time${reports === 1 ? "" : "s"} by ${users} user${users === 1 ? "" : "s"}, ` +
      `confidence ${confidence}${last ? `, last ${last.slice(0, 10)}` : ""}${decayed}`,
    is_tor: isTor,
    weight: users >= ABUSEIPDB_WEIGHT.many_reporters ? ABUSEIPDB_WEIGHT.many : ABUSEIPDB_WEIGHT.few,
  };
}

export const abuseipdb: ProviderSpec = {
  name: "abuseipdb",
  tier: 2,
  defaultBaseUrl: "https://api.abuseipdb.com",
  needsKey: true,
  // Free "Individual" plan: 1,000 `check` calls a day.
  defaultDailyQuota: 1000,
  request(ip, key) {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key) headers.Key = key;
    // IPv6 colons must be encoded in the query string.
    const query = `ipAddress=${encodeURIComponent(ip)}&maxAgeInDays=${ABUSEIPDB_MAX_AGE_DAYS}&verbose`;
    return { method: "GET", path: `/api/v2/check?${query}`, headers };
  },
  read(status, body, headers) {
    // The daily-limit answer is a 429 with an `errors` body and Retry-After in seconds.
    if (status === 429) return quotaVerdict(body, headers);
    if (status === 401 || status === 403) {
      return { status: "error", detail: `AbuseIPDB refused the key (HTTP ${status})` };
    }
    if (status === 422)
      return { status: "error", detail: "AbuseIPDB refused the address as invalid (HTTP 422)" };
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readCheck(json.value, headers) : json.verdict;
  },
};
