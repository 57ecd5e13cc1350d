import type { ProviderSpec, ProviderVerdict } from "./provider.js";
import { httpErrorVerdict, isObject, quotaVerdict, readJson, unexpected } from "./provider-read.js";

/**
 * abuse.ch URLhaus host lookup: which malware-distribution URLs were seen on this IP. Score
 * (reference 1.12): 70 when any of them is still online, 40 when all are offline.
 */
function readHost(doc: unknown): ProviderVerdict {
  if (!isObject(doc) || typeof doc.query_status !== "string") return unexpected("no query_status");
  const qs = doc.query_status;
  if (qs === "no_results") return { status: "not_found", detail: "no URLhaus URL on this host" };
  if (qs === "unknown_auth_key") return { status: "error", detail: "URLhaus refused the Auth-Key" };
  if (qs !== "ok") return { status: "error", detail: `URLhaus query_status ${qs}` };
  const urls = Array.isArray(doc.urls) ? doc.urls.filter(isObject) : [];
  // `url_count` is a string in URLhaus answers; the list may be shorter than the count.
  const declared = Number(doc.url_count);
  const total = Number.isFinite(declared) && declared > urls.length ? declared : urls.length;
  if (total === 0) return { status: "not_found", detail: "URLhaus knows the host but lists no URL" };
  const online = urls.filter((u) => u.url_status === "online").length;
  const categories = new Set<string>();
  for (const u of urls) if (typeof u.threat === "string") categories.add(u.threat);
  return {
    status: "ok",
    score: online > 0 ? 70 : 40,
    categories: [...categories],
    detail: `${total} URLhaus URL${total === 1 ? "" : "s"}, ${online} online`,
  };
}

export const urlhaus: ProviderSpec = {
  name: "urlhaus",
  tier: 1,
  defaultBaseUrl: "https://urlhaus-api.abuse.ch",
  needsKey: true,
  defaultDailyQuota: null,
  request(ip, key) {
    const headers: Record<string, string> = {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    };
    if (key) headers["Auth-Key"] = key;
    return { method: "POST", path: "/v1/host/", headers, body: new URLSearchParams({ host: ip }).toString() };
  },
  read(status, body, headers) {
    if (status === 429) return quotaVerdict(body, headers);
    if (status === 401 || status === 403)
      return { status: "error", detail: `URLhaus refused the Auth-Key (HTTP ${status})` };
    if (status !== 200) return httpErrorVerdict(status, body);
    const json = readJson(body);
    return json.ok ? readHost(json.value) : json.verdict;
  },
};
