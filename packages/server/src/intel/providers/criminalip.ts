import type { ProviderSpec, ProviderVerdict } from "./provider.js";
import {
  clampScore,
  headerValue,
  httpErrorVerdict,
  isObject,
  quotaVerdict,
  readJson,
  retryAfterSeconds,
  snippet,
  unexpected,
} from "./provider-read.js";

/**
 * Criminal IP asset report (reference 1.6). Tier 3, key in the `x-api-key` header. The reference
 * found no published free quota, so none is assumed: the install sets one, and the provider's own
 * refusals back it off.
 *
 * Scale (reference 1.12): the `inbound` level, i.e. how risky connections *from* this IP towards us
 * are, which is what a firewall sees: Safe 0, Low 25, Moderate 50, Dangerous 75, Critical 100. The
 * outbound level and the abuse record count are in `detail`. Categories are the threat-like `issues`
 * flags that are set (tor, vpn, proxy, scanner, darkweb, snort…); cloud, hosting and mobile describe
 * the network rather than a threat and are left out.
 *
 * Criminal IP reports failures inside a 200 too, as a JSON `status` other than 200 with a `message`:
 * the reference lists that as its "not found" answer, so it is read that way, except the codes that
 * plainly mean something else (401 bad key, 403/429 refusal, 5xx). An HTTP or body 403 is ambiguous
 * (bad key or spent quota, per one client); it is read as quota so the provider backs off either way.
 */
export const CRIMINALIP_LEVELS: Record<string, number> = {
  safe: 0,
  low: 25,
  moderate: 50,
  dangerous: 75,
  critical: 100,
};

const CONTEXT_ONLY = new Set(["is_cloud", "is_hosting", "is_mobile"]);

function refused(code: number, message: string, headers: Record<string, string>): ProviderVerdict {
  const retry = retryAfterSeconds(headerValue(headers, "retry-after"));
  const detail = `Criminal IP refused the lookup (${code})${message ? `: ${snippet(message)}` : ""}; key rejected or quota spent`;
  return retry === undefined ? { status: "quota", detail } : { status: "quota", detail, retryAfterS: retry };
}

function readReport(doc: unknown, headers: Record<string, string>): ProviderVerdict {
  if (!isObject(doc)) return unexpected("not a JSON object");
  const message = typeof doc.message === "string" ? doc.message : "";
  if (typeof doc.status === "number" && doc.status !== 200) {
    const code = doc.status;
    if (code === 403 || code === 429) return refused(code, message, headers);
    if (code === 401)
      return {
        status: "error",
        detail: `Criminal IP refused the key${message ? `: ${snippet(message)}` : ""}`,
      };
    if (code >= 500)
      return {
        status: "error",
        detail: `Criminal IP failed (${code})${message ? `: ${snippet(message)}` : ""}`,
      };
    return { status: "not_found", detail: `unknown to Criminal IP${message ? `: ${snippet(message)}` : ""}` };
  }
  if (!isObject(doc.score) || typeof doc.score.inbound !== "string") return unexpected("no score.inbound");
  const inbound = doc.score.inbound;
  const score = CRIMINALIP_LEVELS[inbound.toLowerCase()];
  if (score === undefined) return unexpected(`inbound level "${snippet(inbound, 20)}"`);
  const issues = isObject(doc.issues) ? doc.issues : {};
  const categories = Object.entries(issues)
    .filter(([k, v]) => v === true && k.startsWith("is_") && !CONTEXT_ONLY.has(k))
    .map(([k]) => k.slice(3).replace(/_/g, "-"));
  const outbound = typeof doc.score.outbound === "string" ? `, outbound ${doc.score.outbound}` : "";
  const records =
    typeof doc.abuse_record_count === "number" ? `, ${doc.abuse_record_count} abuse records` : "";
  return {
    status: "ok",
    score: clampScore(score),
    categories,
    detail: `inbound ${inbound}${outbound}${records}`,
    is_tor: issues.is_tor === true,
  };
}

export const criminalip: ProviderSpec = {
  name: "criminalip",
  tier: 3,
  defaultBaseUrl: "https://api.criminalip.io",
  needsKey: true,
  defaultDailyQuota: null,
  request(ip, key) {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key) headers["x-api-key"] = key;
    return { method: "GET", path: `/v1/asset/ip/report?ip=${encodeURIComponent(ip)}`, headers };
  },
  read(status, body, headers) {
    if (status === 429) return quotaVerdict(body, headers);
    if (status === 403) return refused(403, "", headers);
    if (status === 401) return { status: "error", detail: "Criminal IP refused the key (HTTP 401)" };
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readReport(json.value, headers) : json.verdict;
  },
};
