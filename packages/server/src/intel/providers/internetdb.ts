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
 * Shodan InternetDB: open ports, tags and known CVEs from Shodan's weekly scans. It is context, not a
 * reputation source, so the reference proposes no scale; Vigil's own: the most telling tag sets the
 * score (a C2 or compromised host far above a mere scanner or anonymiser), each known CVE adds 2 up
 * to 20 because an exposed vulnerable host is more likely to be someone's relay. Weight stays low.
 */
const TAG_SCORES: Record<string, number> = {
  c2: 70,
  compromised: 60,
  malware: 60,
  scanner: 30,
  honeypot: 20,
  tor: 20,
  proxy: 15,
  vpn: 10,
};

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function readHost(doc: unknown): ProviderVerdict {
  if (!isObject(doc) || typeof doc.ip !== "string") return unexpected("no ip field");
  const tags = stringList(doc.tags).map((t) => t.toLowerCase());
  const vulns = stringList(doc.vulns);
  const ports = Array.isArray(doc.ports) ? doc.ports.filter((p) => typeof p === "number") : [];
  let tagScore = 0;
  for (const t of tags) tagScore = Math.max(tagScore, TAG_SCORES[t] ?? 0);
  const score = clampScore(tagScore + Math.min(20, vulns.length * 2));
  const parts = [`${ports.length} open port${ports.length === 1 ? "" : "s"}`];
  if (tags.length > 0) parts.push(`tags ${tags.join(", ")}`);
  if (vulns.length > 0) parts.push(`${vulns.length} known CVE${vulns.length === 1 ? "" : "s"}`);
  return {
    status: "ok",
    score,
    // Only tags that say something about intent; "cloud" or "cdn" are not threat categories.
    categories: tags.filter((t) => (TAG_SCORES[t] ?? 0) > 0),
    detail: parts.join(", "),
    is_tor: tags.includes("tor"),
  };
}

export const internetdb: ProviderSpec = {
  name: "internetdb",
  tier: 1,
  defaultBaseUrl: "https://internetdb.shodan.io",
  needsKey: false,
  defaultDailyQuota: null,
  request(ip) {
    return { method: "GET", path: `/${ip}`, headers: { Accept: "application/json" } };
  },
  read(status, body, headers) {
    if (status === 429) return quotaVerdict(body, headers);
    // 404 {"detail":"No information available"} is normal for residential and CGNAT addresses.
    if (status === 404) {
      const json = readJson(body);
      if (json.ok && isObject(json.value) && typeof json.value.detail === "string")
        return { status: "not_found", detail: `not indexed by Shodan: ${json.value.detail}` };
      return httpErrorVerdict(status, body);
    }
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readHost(json.value) : json.verdict;
  },
};
