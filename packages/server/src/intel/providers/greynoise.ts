import type { ProviderSpec, ProviderVerdict } from "./provider.js";
import {
  clampScore,
  httpErrorVerdict,
  isObject,
  KNOWN_BENIGN,
  quotaVerdict,
  readJson,
  snippet,
  unexpected,
} from "./provider-read.js";

/**
 * GreyNoise Community API (reference 1.3). Tier 2. The key goes in a header literally named `key`;
 * the API also answers without one at a lower rate, so the provider works unconfigured and a key
 * only raises its allowance.
 *
 * GreyNoise tells apart internet-wide scanners ("noise") from known business services ("RIOT").
 * Scale (reference 1.12):
 * - classification `malicious` → 85;
 * - `benign`, or any RIOT hit → 0 and KNOWN_BENIGN (a CDN or a public resolver, not an attacker);
 * - `unknown` while scanning (`noise: true`) → 40: scanning alone is not a verdict, research
 *   scanners do it too, but it is more than nothing;
 * - anything else GreyNoise has a record of → 0.
 * Not observed is a 404 carrying JSON with `noise`/`riot` flags; the message text varies between
 * captures, so the status and the `noise` key decide, not the wording.
 */
export const GREYNOISE_SCORE = { malicious: 85, unknown_noise: 40 } as const;

function readCommunity(doc: unknown): ProviderVerdict {
  if (!isObject(doc)) return unexpected("not a JSON object");
  const { noise, riot, classification } = doc;
  if (typeof noise !== "boolean" || typeof riot !== "boolean") return unexpected("no noise/riot flags");
  const name = typeof doc.name === "string" && doc.name ? doc.name : null;
  const seen = typeof doc.last_seen === "string" ? `, last seen ${doc.last_seen}` : "";
  if (riot || classification === "benign") {
    return {
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
      detail: `${riot ? "known business service" : "classified benign"}${name ? ` (${name})` : ""}${seen}`,
    };
  }
  if (classification === "malicious") {
    return {
      status: "ok",
      score: clampScore(GREYNOISE_SCORE.malicious),
      categories: noise ? ["malicious", "scanner"] : ["malicious"],
      detail: `classified malicious${noise ? ", scanning the internet" : ""}${seen}`,
    };
  }
  if (noise) {
    return {
      status: "ok",
      score: clampScore(GREYNOISE_SCORE.unknown_noise),
      categories: ["scanner"],
      detail: `scanning the internet, intent unknown${seen}`,
    };
  }
  const label = typeof classification === "string" ? classification : "unclassified";
  return { status: "ok", score: 0, categories: [], detail: `known to GreyNoise, ${label}${seen}` };
}

export const greynoise: ProviderSpec = {
  name: "greynoise",
  tier: 2,
  defaultBaseUrl: "https://api.greynoise.io",
  needsKey: false,
  // No vendor page states it; third-party summaries say about 50 lookups a week for a keyed
  // community account, i.e. 7 a day. 429s back it off whatever this says.
  defaultDailyQuota: 7,
  request(ip, key) {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key) headers.key = key;
    return { method: "GET", path: `/v3/community/${encodeURIComponent(ip)}`, headers };
  },
  read(status, body, headers) {
    if (status === 429) return quotaVerdict(body, headers);
    if (status === 404) {
      const json = readJson(body);
      // Only GreyNoise's own "not observed" body counts; a bare 404 from a proxy is an error.
      if (json.ok && isObject(json.value) && "noise" in json.value) {
        return { status: "not_found", detail: "not observed scanning the internet, not a known service" };
      }
      return httpErrorVerdict(status, body);
    }
    if (status === 400) {
      const json = readJson(body);
      const msg =
        json.ok && isObject(json.value) && typeof json.value.message === "string" ? json.value.message : "";
      return {
        status: "error",
        detail: `GreyNoise refused the address (HTTP 400)${msg ? `: ${snippet(msg)}` : ""}`,
      };
    }
    if (status === 401 || status === 403) {
      return { status: "error", detail: `GreyNoise refused the key (HTTP ${status})` };
    }
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readCommunity(json.value) : json.verdict;
  },
};
