import type { ProviderSpec, ProviderVerdict } from "./provider.js";
import {
  clampScore,
  httpErrorVerdict,
  isObject,
  quotaVerdict,
  readJson,
  snippet,
  unexpected,
} from "./provider-read.js";

/**
 * VirusTotal v3 IP address object (reference 1.5). Tier 3, key in the `x-apikey` header. The public
 * API allows 4 requests a minute and 500 a day, and its terms forbid use in commercial products or
 * services: an install that sells or runs Vigil for clients needs a premium key.
 *
 * Scale (reference 1.12): `min(100, 10 × malicious + 5 × suspicious)` over `last_analysis_stats`,
 * the engines' latest verdicts. Ten engines calling it malicious is as bad as it gets; one is a
 * weak signal (10). The community `reputation` integer is shown in `detail`, not scored.
 * Categories are the distinct verdict labels of engines that flagged it ("malware", "phishing").
 *
 * Errors come as `{"error":{"code","message"}}`: NotFoundError → not_found; QuotaExceededError
 * (minute, day or month) and TooManyRequestsError → quota, whatever the status code.
 */
export const VIRUSTOTAL_SCORE = { per_malicious: 10, per_suspicious: 5 } as const;

const MAX_CATEGORIES = 10;

function errorOf(body: string): { code: string; message: string } | null {
  const json = readJson(body);
  if (!json.ok || !isObject(json.value) || !isObject(json.value.error)) return null;
  const { code, message } = json.value.error;
  if (typeof code !== "string") return null;
  return { code, message: typeof message === "string" ? message : "" };
}

function count(stats: Record<string, unknown>, key: string): number {
  const v = stats[key];
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

function flaggedLabels(results: unknown): string[] {
  if (!isObject(results)) return [];
  const out = new Set<string>();
  for (const r of Object.values(results)) {
    if (!isObject(r) || (r.category !== "malicious" && r.category !== "suspicious")) continue;
    if (typeof r.result === "string" && r.result.trim()) out.add(r.result.trim().toLowerCase());
    if (out.size >= MAX_CATEGORIES) break;
  }
  return [...out];
}

function readIp(doc: unknown): ProviderVerdict {
  if (!isObject(doc) || !isObject(doc.data) || !isObject(doc.data.attributes)) {
    return unexpected("no data.attributes");
  }
  const a = doc.data.attributes;
  if (!isObject(a.last_analysis_stats)) return unexpected("no last_analysis_stats");
  const stats = a.last_analysis_stats;
  const malicious = count(stats, "malicious");
  const suspicious = count(stats, "suspicious");
  const engines = ["harmless", "malicious", "suspicious", "undetected", "timeout"].reduce(
    (n, k) => n + count(stats, k),
    0,
  );
  const reputation = typeof a.reputation === "number" ? `, community reputation ${a.reputation}` : "";
  return {
    status: "ok",
    score: clampScore(
      malicious * VIRUSTOTAL_SCORE.per_malicious + suspicious * VIRUSTOTAL_SCORE.per_suspicious,
    ),
    categories: flaggedLabels(a.last_analysis_results),
    detail: `${malicious} of ${engines} engines malicious, ${suspicious} suspicious${reputation}`,
  };
}

export const virustotal: ProviderSpec = {
  name: "virustotal",
  tier: 3,
  defaultBaseUrl: "https://www.virustotal.com",
  needsKey: true,
  // Public API: 500 lookups a day (and 4 a minute, enforced by its 429s).
  defaultDailyQuota: 500,
  request(ip, key) {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key) headers["x-apikey"] = key;
    return { method: "GET", path: `/api/v3/ip_addresses/${encodeURIComponent(ip)}`, headers };
  },
  read(status, body, headers) {
    if (status === 200) {
      const json = readJson(body);
      return json.ok ? readIp(json.value) : json.verdict;
    }
    const err = errorOf(body);
    if (status === 429 || err?.code === "QuotaExceededError" || err?.code === "TooManyRequestsError") {
      return quotaVerdict(body, headers);
    }
    if (status === 404 && err?.code === "NotFoundError") {
      return { status: "not_found", detail: "unknown to VirusTotal" };
    }
    if (err) {
      const msg = err.message ? `: ${snippet(err.message)}` : "";
      return { status: "error", detail: `VirusTotal ${err.code} (HTTP ${status})${msg}` };
    }
    return httpErrorVerdict(status, body);
  },
};
