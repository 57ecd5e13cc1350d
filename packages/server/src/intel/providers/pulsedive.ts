import type { ProviderSpec, ProviderVerdict } from "./provider.js";
import {
  clampScore,
  httpErrorVerdict,
  isObject,
  quotaVerdict,
  readJson,
  unexpected,
} from "./provider-read.js";

/**
 * Pulsedive indicator info (reference 1.7). Tier 3. The key is optional and travels as the `key`
 * query parameter (Pulsedive has no header for it), so the provider works unconfigured at the
 * anonymous allowance; keep in mind the key then appears in any log of the full URL.
 *
 * Scale (reference 1.12), from Pulsedive's `risk`: none 0, low 25, medium 50, high 75, critical 100.
 * `retired` (no recent activity) is a known IP that is no longer a threat → 0. `unknown` means
 * Pulsedive holds the indicator without an opinion → not_found, like the 404 for one it never saw.
 * Categories are the names of the threats it is linked to (malware families, campaigns).
 */
export const PULSEDIVE_RISK: Record<string, number> = {
  none: 0,
  low: 25,
  medium: 50,
  high: 75,
  critical: 100,
  retired: 0,
};

const MAX_CATEGORIES = 10;

function readInfo(doc: unknown): ProviderVerdict {
  if (!isObject(doc)) return unexpected("not a JSON object");
  if (typeof doc.risk !== "string") {
    return typeof doc.error === "string" ? unexpected(doc.error) : unexpected("no risk");
  }
  const risk = doc.risk.toLowerCase();
  if (risk === "unknown") return { status: "not_found", detail: "Pulsedive has no risk opinion on it" };
  const score = PULSEDIVE_RISK[risk];
  if (score === undefined) return unexpected(`risk "${risk.slice(0, 20)}"`);
  const threats = Array.isArray(doc.threats) ? doc.threats : [];
  const categories = [
    ...new Set(
      threats
        .map((t) => (isObject(t) && typeof t.name === "string" ? t.name.trim() : ""))
        .filter((n) => n !== ""),
    ),
  ].slice(0, MAX_CATEGORIES);
  const feeds = Array.isArray(doc.feeds) ? doc.feeds.length : 0;
  const seen = typeof doc.stamp_seen === "string" ? `, last seen ${doc.stamp_seen.slice(0, 10)}` : "";
  return {
    status: "ok",
    score: clampScore(score),
    categories,
    detail: `risk ${risk}, ${feeds} feed${feeds === 1 ? "" : "s"}${seen}`,
  };
}

export const pulsedive: ProviderSpec = {
  name: "pulsedive",
  tier: 3,
  defaultBaseUrl: "https://pulsedive.com",
  needsKey: false,
  // Not published; one third-party client says 500 a month on the free plan, about 16 a day. Its
  // X-Requests-Remaining-* headers and 429s are what actually bound it.
  defaultDailyQuota: 16,
  request(ip, key) {
    const query = `indicator=${encodeURIComponent(ip)}${key ? `&key=${encodeURIComponent(key)}` : ""}`;
    return { method: "GET", path: `/api/info.php?${query}`, headers: { Accept: "application/json" } };
  },
  read(status, body, headers) {
    if (status === 429) return quotaVerdict(body, headers);
    if (status === 404) {
      // Pulsedive's own answer is JSON with an `error`; anything else is a proxy's 404.
      const json = readJson(body);
      if (json.ok && isObject(json.value) && typeof json.value.error === "string") {
        return { status: "not_found", detail: "unknown to Pulsedive" };
      }
      return httpErrorVerdict(status, body);
    }
    if (status === 401 || status === 403) {
      return { status: "error", detail: `Pulsedive refused the key (HTTP ${status})` };
    }
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readInfo(json.value) : json.verdict;
  },
};
