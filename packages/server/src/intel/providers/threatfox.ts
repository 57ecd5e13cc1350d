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
 * abuse.ch ThreatFox `search_ioc`. IP indicators are stored as `ip:port`, so the bare IP is searched
 * without exact matching and hits for other IPs sharing the prefix (1.2.3.4 vs 1.2.3.45:80) are
 * dropped here. Score (reference 1.12): the highest `confidence_level` among the matching IOCs.
 */
function iocIp(ioc: string): string {
  // "1.2.3.4:443" and "[2001:db8::1]:443" carry a port; a bare IP does not.
  if (ioc.startsWith("[")) return ioc.slice(1, ioc.indexOf("]"));
  const colons = ioc.split(":").length - 1;
  return colons === 1 ? (ioc.split(":")[0] as string) : ioc;
}

function readSearch(doc: unknown, ip: string | null): ProviderVerdict {
  if (!isObject(doc) || typeof doc.query_status !== "string") return unexpected("no query_status");
  const qs = doc.query_status;
  if (qs === "no_result") return { status: "not_found", detail: "no ThreatFox IOC" };
  if (qs !== "ok") {
    const data = typeof doc.data === "string" ? `: ${doc.data}` : "";
    return { status: "error", detail: `ThreatFox query_status ${qs}${data}` };
  }
  if (!Array.isArray(doc.data)) return unexpected("data is not a list");
  const hits = doc.data.filter(
    (d): d is Record<string, unknown> =>
      isObject(d) && typeof d.ioc === "string" && (ip === null || iocIp(d.ioc) === ip),
  );
  if (hits.length === 0) return { status: "not_found", detail: "no ThreatFox IOC for this exact IP" };
  let best = 0;
  const categories = new Set<string>();
  for (const h of hits) {
    if (typeof h.confidence_level === "number" && h.confidence_level > best) best = h.confidence_level;
    if (typeof h.threat_type === "string") categories.add(h.threat_type);
    if (typeof h.malware_printable === "string" && h.malware_printable !== "Unknown malware")
      categories.add(h.malware_printable);
  }
  return {
    status: "ok",
    score: clampScore(best),
    categories: [...categories],
    detail: `${hits.length} ThreatFox IOC${hits.length === 1 ? "" : "s"}, confidence up to ${best}`,
  };
}

/**
 * The reader with the asked IP, so prefix matches of other IPs are dropped. `ProviderSpec.read` is
 * not given the IP, so it passes null and counts every IOC returned; the lookup service should call
 * this one for ThreatFox.
 */
export function readThreatFox(
  status: number,
  body: string,
  headers: Record<string, string>,
  ip: string | null,
): ProviderVerdict {
  if (status === 429) return quotaVerdict(body, headers);
  if (status === 401 || status === 403)
    return { status: "error", detail: `ThreatFox refused the Auth-Key (HTTP ${status})` };
  if (status !== 200) return httpErrorVerdict(status, body);
  const json = readJson(body);
  return json.ok ? readSearch(json.value, ip) : json.verdict;
}

export const threatfox: ProviderSpec = {
  name: "threatfox",
  tier: 1,
  defaultBaseUrl: "https://threatfox-api.abuse.ch",
  needsKey: true,
  // Free under fair use: no documented daily number.
  defaultDailyQuota: null,
  request(ip, key) {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json",
    };
    if (key) headers["Auth-Key"] = key;
    return {
      method: "POST",
      path: "/api/v1/",
      headers,
      body: JSON.stringify({ query: "search_ioc", search_term: ip, exact_match: false }),
    };
  },
  read(status, body, headers, ip) {
    return readThreatFox(status, body, headers, ip ?? null);
  },
};
