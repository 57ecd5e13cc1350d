import { describe, expect, it } from "vitest";
import { fixture, HTML_502, truncated } from "./fixtures/recorded.js";
import { virustotal } from "./virustotal.js";

const IP = fixture("virustotal-ip.json");

function withStats(stats: Record<string, number>): string {
  const doc = JSON.parse(IP);
  doc.data.attributes.last_analysis_stats = stats;
  return JSON.stringify(doc);
}

describe("virustotal", () => {
  it("asks /api/v3/ip_addresses/{ip} with the x-apikey header", () => {
    expect(virustotal.request("203.0.113.4", "k-vt")).toEqual({
      method: "GET",
      path: "/api/v3/ip_addresses/203.0.113.4",
      headers: { Accept: "application/json", "x-apikey": "k-vt" },
    });
    expect(virustotal.defaultBaseUrl).toBe("https://www.virustotal.com");
    expect(virustotal.tier).toBe(3);
    expect(virustotal.defaultDailyQuota).toBe(500);
  });

  it("scores 10 per malicious and 5 per suspicious engine, with flagged labels as categories", () => {
    expect(virustotal.read(200, IP, {})).toEqual({
      status: "ok",
      score: 80,
      categories: ["malicious", "malware", "suspicious"],
      detail: "7 of 94 engines malicious, 2 suspicious, community reputation -12",
    });
    expect(virustotal.read(200, withStats({ malicious: 12, suspicious: 3 }), {})).toMatchObject({
      score: 100,
    });
    expect(virustotal.read(200, withStats({ harmless: 80, undetected: 10 }), {})).toMatchObject({ score: 0 });
  });

  it("reads NotFoundError as not found", () => {
    expect(virustotal.read(404, fixture("virustotal-not-found.json"), {})).toEqual({
      status: "not_found",
      detail: "unknown to VirusTotal",
    });
  });

  it("reads QuotaExceededError (429) as quota with Retry-After seconds", () => {
    expect(virustotal.read(429, fixture("virustotal-quota.json"), { "Retry-After": "60" })).toMatchObject({
      status: "quota",
      retryAfterS: 60,
    });
    // TooManyRequestsError is the same back-off, with or without a Retry-After.
    const tooMany = JSON.stringify({ error: { code: "TooManyRequestsError", message: "Too many requests" } });
    expect(virustotal.read(429, tooMany, {})).toMatchObject({ status: "quota" });
    expect(virustotal.read(429, tooMany, {})).not.toHaveProperty("retryAfterS");
  });

  it("reads other documented errors with their code", () => {
    const wrong = JSON.stringify({ error: { code: "WrongCredentialsError", message: "Wrong API key" } });
    expect(virustotal.read(401, wrong, {})).toEqual({
      status: "error",
      detail: "VirusTotal WrongCredentialsError (HTTP 401): Wrong API key",
    });
  });

  it("reads an HTML 502, a bare 404, a truncated body and an unexpected shape as errors", () => {
    expect(virustotal.read(502, HTML_502, {})).toMatchObject({
      status: "error",
      detail: expect.stringContaining("HTML"),
    });
    expect(virustotal.read(404, "<html>Not Found</html>", {}).status).toBe("error");
    expect(virustotal.read(200, truncated(IP), {})).toMatchObject({
      status: "error",
      detail: expect.stringMatching(/^not JSON/),
    });
    expect(virustotal.read(200, JSON.stringify({ data: { attributes: {} } }), {})).toEqual({
      status: "error",
      detail: "unexpected answer: no last_analysis_stats",
    });
  });
});
