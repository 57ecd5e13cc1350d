import { describe, expect, it } from "vitest";
import { abuseipdb, staleFactor } from "./abuseipdb.js";
import { fixture, HTML_502, truncated } from "./fixtures/recorded.js";
import { KNOWN_BENIGN } from "./provider-read.js";

const CHECK = fixture("abuseipdb-check.json");
const DAY_MS = 86_400_000;

function withData(patch: Record<string, unknown>): string {
  const doc = JSON.parse(CHECK) as { data: Record<string, unknown> };
  return JSON.stringify({ data: { ...doc.data, ...patch } });
}

describe("abuseipdb", () => {
  it("asks /api/v2/check for the IP with the Key header and JSON accepted", () => {
    expect(abuseipdb.request("118.25.6.39", "k-abuse")).toEqual({
      method: "GET",
      path: "/api/v2/check?ipAddress=118.25.6.39&maxAgeInDays=90&verbose",
      headers: { Accept: "application/json", Key: "k-abuse" },
    });
    expect(abuseipdb.defaultBaseUrl).toBe("https://api.abuseipdb.com");
    expect(abuseipdb.tier).toBe(2);
    expect(abuseipdb.needsKey).toBe(true);
    expect(abuseipdb.defaultDailyQuota).toBe(1000);
  });

  it("URL-encodes an IPv6 address", () => {
    expect(abuseipdb.request("2001:db8::1", "k").path).toBe(
      "/api/v2/check?ipAddress=2001%3Adb8%3A%3A1&maxAgeInDays=90&verbose",
    );
  });

  it("reads a reported IP: confidence as the score, categories by frequency, reporters in detail", () => {
    expect(abuseipdb.read(200, CHECK, { "content-type": "application/json" })).toEqual({
      status: "ok",
      score: 100,
      categories: ["brute-force", "ssh", "port scan"],
      detail: "reported 412 times by 37 users, confidence 100, last 2018-12-20",
      is_tor: false,
      weight: 0.9,
    });
    // Few distinct reporters: the usual, lower trust.
    expect(abuseipdb.read(200, withData({ numDistinctUsers: 2 }), {})).toMatchObject({ weight: 0.6 });
  });

  it("decays a score whose last report is old, measured against the answer's Date header", () => {
    const now = Date.now();
    const body = withData({ lastReportedAt: new Date(now - 67.5 * DAY_MS).toISOString() });
    const v = abuseipdb.read(200, body, { Date: new Date(now).toUTCString() });
    expect(v.status === "ok" && v.score).toBe(75);
    expect(v.status === "ok" && v.detail).toContain("decayed ×0.75");
    // A fresh report keeps its full score; no Date header means no decay.
    const fresh = withData({ lastReportedAt: new Date(now - DAY_MS).toISOString() });
    expect(abuseipdb.read(200, fresh, { date: new Date(now).toUTCString() })).toMatchObject({ score: 100 });
    expect(abuseipdb.read(200, body, {})).toMatchObject({ score: 100 });
  });

  it("stale factor stays between one half and one", () => {
    const now = Date.now();
    const at = (days: number) => new Date(now - days * DAY_MS).toISOString();
    const nowHeader = new Date(now).toUTCString();
    expect(staleFactor(at(10), nowHeader)).toBe(1);
    expect(staleFactor(at(90), nowHeader)).toBeCloseTo(0.5, 2);
    expect(staleFactor(at(900), nowHeader)).toBe(0.5);
    expect(staleFactor("not a date", nowHeader)).toBe(1);
  });

  it("marks a whitelisted IP known benign at 0 and carries isTor", () => {
    expect(abuseipdb.read(200, withData({ isWhitelisted: true, isTor: true }), {})).toMatchObject({
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
      is_tor: true,
    });
  });

  it("reads totalReports 0 as not found", () => {
    expect(abuseipdb.read(200, fixture("abuseipdb-not-found.json"), {})).toEqual({
      status: "not_found",
      detail: "never reported to AbuseIPDB",
    });
  });

  it("reads the daily-limit 429 as quota with Retry-After seconds", () => {
    const v = abuseipdb.read(429, fixture("abuseipdb-429.json"), {
      "Retry-After": "29241",
      "X-RateLimit-Limit": "1000",
      "X-RateLimit-Remaining": "0",
    });
    expect(v).toMatchObject({ status: "quota", retryAfterS: 29241 });
    expect(v.detail).toContain("Daily rate limit of 1000 requests exceeded");
  });

  it("reads a refused key as an error", () => {
    const body = JSON.stringify({
      errors: [
        {
          detail: "Authentication failed. Your API key is either missing, incorrect, or revoked.",
          status: 401,
        },
      ],
    });
    expect(abuseipdb.read(401, body, {})).toEqual({
      status: "error",
      detail: "AbuseIPDB refused the key (HTTP 401)",
    });
  });

  it("reads an HTML 502, a truncated body and an unexpected shape as errors with a reason", () => {
    expect(abuseipdb.read(502, HTML_502, {})).toEqual({
      status: "error",
      detail: "HTTP 502 with an HTML page instead of JSON",
    });
    const cut = abuseipdb.read(200, truncated(CHECK), {});
    expect(cut.status).toBe("error");
    expect(cut.detail).toMatch(/^not JSON/);
    // The HTML page AbuseIPDB serves when Accept is missing, on a 200.
    expect(abuseipdb.read(200, "<!DOCTYPE html><html><body>AbuseIPDB</body></html>", {})).toEqual({
      status: "error",
      detail: "HTML page instead of JSON",
    });
    expect(abuseipdb.read(200, JSON.stringify({ data: { abuseConfidenceScore: "high" } }), {})).toMatchObject(
      {
        status: "error",
      },
    );
  });
});
