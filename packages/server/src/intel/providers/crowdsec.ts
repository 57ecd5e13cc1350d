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
 * CrowdSec CTI `smoke` lookup (reference 1.4). Tier 2, key in the `x-api-key` header; a community
 * key has 50 tokens a day, one per IP answered.
 *
 * Scale (reference 1.12), from the `reputation` verdict CrowdSec computes over its sensor network:
 * malicious 90, suspicious 60, known 30, safe 0 (with KNOWN_BENIGN). Any `false_positives`
 * classification overrides it to 0 and KNOWN_BENIGN, as CrowdSec says such IPs must not be treated
 * as malicious. `unknown` means the network has no opinion → not_found, like the 404 it sends for
 * IPs it never saw. The component scores (`scores.overall`, 0–5 each) are in `detail`, and the
 * answer's weight for the aggregator is CrowdSec's own `trust` over 5 (absent when it is 0 or
 * missing, leaving the provider's usual weight).
 */
export const CROWDSEC_SCORE: Record<string, number> = { malicious: 90, suspicious: 60, known: 30, safe: 0 };

const MAX_CATEGORIES = 10;

function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list)
    if (isObject(item) && typeof item.name === "string" && item.name) out.push(item.name);
  return out;
}

function labels(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    if (!isObject(item)) continue;
    const l = typeof item.label === "string" && item.label ? item.label : item.name;
    if (typeof l === "string" && l) out.push(l);
  }
  return out;
}

function trustWeight(scores: unknown): number | undefined {
  if (!isObject(scores) || !isObject(scores.overall)) return undefined;
  const trust = scores.overall.trust;
  return typeof trust === "number" && trust > 0 && trust <= 5 ? trust / 5 : undefined;
}

function overallLine(scores: unknown): string {
  if (!isObject(scores) || !isObject(scores.overall)) return "";
  const { total, trust } = scores.overall;
  if (typeof total !== "number" || typeof trust !== "number") return "";
  return `, overall ${total}/5 at trust ${trust}/5`;
}

function readSmoke(doc: unknown): ProviderVerdict {
  if (!isObject(doc)) return unexpected("not a JSON object");
  const reputation = doc.reputation;
  if (typeof reputation !== "string") return unexpected("no reputation");
  const classes = isObject(doc.classifications) ? doc.classifications : {};
  const falsePositives = labels(classes.false_positives);
  const lastSeen =
    isObject(doc.history) && typeof doc.history.last_seen === "string"
      ? `, last seen ${doc.history.last_seen.slice(0, 10)}`
      : "";
  if (falsePositives.length > 0) {
    return {
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
      detail: `known false positive: ${falsePositives.join(", ")} (reputation ${reputation})`,
    };
  }
  if (reputation === "unknown") return { status: "not_found", detail: "CrowdSec has no opinion on it" };
  const score = CROWDSEC_SCORE[reputation];
  if (score === undefined) return unexpected(`reputation "${reputation}"`);
  if (reputation === "safe") {
    return { status: "ok", score: 0, categories: [KNOWN_BENIGN], detail: `reputation safe${lastSeen}` };
  }
  const behaviors = names(doc.behaviors);
  const categories = [...new Set([...behaviors, ...names(classes.classifications)])].slice(0, MAX_CATEGORIES);
  const seenDoing = labels(doc.behaviors);
  const verdict: ProviderVerdict = {
    status: "ok",
    score: clampScore(score),
    categories,
    detail:
      `reputation ${reputation}${seenDoing.length ? ` (${seenDoing.slice(0, 3).join(", ")})` : ""}` +
      `${overallLine(doc.scores)}${lastSeen}`,
  };
  const weight = trustWeight(doc.scores);
  return weight === undefined ? verdict : { ...verdict, weight };
}

export const crowdsec: ProviderSpec = {
  name: "crowdsec",
  tier: 2,
  defaultBaseUrl: "https://cti.api.crowdsec.net",
  needsKey: true,
  // Community CTI key: 50 tokens a day.
  defaultDailyQuota: 50,
  request(ip, key) {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key) headers["x-api-key"] = key;
    return { method: "GET", path: `/v2/smoke/${encodeURIComponent(ip)}`, headers };
  },
  read(status, body, headers) {
    if (status === 429) return quotaVerdict(body, headers);
    // CrowdSec's own engine treats 404 as "never seen" and 403 as a bad key.
    if (status === 404) {
      // The body of that 404 is not documented; only an HTML page (a proxy's) is refused.
      if (/^\s*</.test(body)) return httpErrorVerdict(status, body);
      return { status: "not_found", detail: "never seen by the CrowdSec network (HTTP 404)" };
    }
    if (status === 401 || status === 403) {
      return { status: "error", detail: `CrowdSec refused the key (HTTP ${status})` };
    }
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readSmoke(json.value) : json.verdict;
  },
};
