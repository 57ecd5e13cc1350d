import type { ProviderSpec, ProviderVerdict } from "./provider.js";
import {
  clampScore,
  httpErrorVerdict,
  isObject,
  KNOWN_BENIGN,
  quotaVerdict,
  readJson,
  unexpected,
} from "./provider-read.js";

/**
 * AlienVault OTX, `general` section of an IPv4/IPv6 indicator. The signal is how many community
 * pulses mention the IP; the top-level `reputation` field is almost always 0 and is ignored.
 * Scale (reference 1.12): 10 points a pulse, capped at 100; a whitelist or false-positive
 * validation means the IP is known benign whatever the pulse count.
 */
const MAX_CATEGORIES = 10;

function strings(list: unknown, pick: (item: Record<string, unknown>) => unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    const v = isObject(item) ? pick(item) : item;
    if (typeof v === "string" && v.trim()) out.push(v.trim());
  }
  return out;
}

function readGeneral(doc: unknown): ProviderVerdict {
  if (!isObject(doc)) return unexpected("not a JSON object");
  const info = doc.pulse_info;
  if (!isObject(info) || typeof info.count !== "number") return unexpected("no pulse_info.count");
  const count = info.count;
  const validations = Array.isArray(doc.validation) ? doc.validation : [];
  const acceptedFalsePositive =
    Array.isArray(doc.false_positive) &&
    doc.false_positive.some((f) => isObject(f) && f.assessment === "accepted");
  if (validations.length > 0 || acceptedFalsePositive) {
    const why = strings(validations, (v) => v.name ?? v.message);
    const reason = why.length > 0 ? why.join(", ") : "accepted false positive";
    return {
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
      detail: `in ${count} pulses, but validated benign: ${reason}`,
    };
  }
  if (count <= 0) return { status: "not_found", detail: "in no OTX pulse" };
  // Malware families first (most telling), then pulse tags, until the cap.
  const pulses = Array.isArray(info.pulses) ? info.pulses : [];
  const seen = new Set<string>();
  for (const p of pulses) {
    if (!isObject(p)) continue;
    for (const m of strings(p.malware_families, (f) => f.display_name)) seen.add(m);
  }
  for (const p of pulses) {
    if (!isObject(p)) continue;
    for (const t of strings(p.tags, () => undefined))
      if (seen.size < MAX_CATEGORIES) seen.add(t.toLowerCase());
  }
  return {
    status: "ok",
    score: clampScore(count * 10),
    categories: [...seen].slice(0, MAX_CATEGORIES),
    detail: `in ${count} OTX pulse${count === 1 ? "" : "s"}`,
  };
}

export const otx: ProviderSpec = {
  name: "otx",
  tier: 1,
  defaultBaseUrl: "https://otx.alienvault.com",
  needsKey: true,
  // The reference found no published daily quota for OTX.
  defaultDailyQuota: null,
  request(ip, key) {
    const family = ip.includes(":") ? "IPv6" : "IPv4";
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key) headers["X-OTX-API-KEY"] = key;
    return { method: "GET", path: `/api/v1/indicators/${family}/${ip}/general`, headers };
  },
  read(status, body, headers) {
    if (status === 429) return quotaVerdict(body, headers);
    // 404 is OTX's answer for an indicator it has no record of.
    if (status === 404) return { status: "not_found", detail: "unknown to OTX (HTTP 404)" };
    if (status === 400) return { status: "error", detail: "OTX refused the indicator as invalid (HTTP 400)" };
    if (status === 401 || status === 403)
      return { status: "error", detail: `OTX refused the key (HTTP ${status})` };
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readGeneral(json.value) : json.verdict;
  },
};
