import { describe, expect, it } from "vitest";
import { crowdsec } from "./crowdsec.js";
import { fixture, HTML_502, truncated } from "./fixtures/recorded.js";
import { KNOWN_BENIGN } from "./provider-read.js";

const SMOKE = fixture("crowdsec-smoke.json");

function smoke(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(SMOKE), ...patch });
}

describe("crowdsec", () => {
  it("asks /v2/smoke/{ip} with the x-api-key header", () => {
    expect(crowdsec.request("198.51.100.16", "k-cs")).toEqual({
      method: "GET",
      path: "/v2/smoke/198.51.100.16",
      headers: { Accept: "application/json", "x-api-key": "k-cs" },
    });
    expect(crowdsec.defaultBaseUrl).toBe("https://cti.api.crowdsec.net");
    expect(crowdsec.tier).toBe(2);
    expect(crowdsec.defaultDailyQuota).toBe(50);
  });

  it("reads a malicious IP as 90 with its behaviors and classifications as categories", () => {
    expect(crowdsec.read(200, SMOKE, {})).toEqual({
      status: "ok",
      score: 90,
      categories: ["ssh:bruteforce", "http:scan", "community-blocklist"],
      detail:
        "reputation malicious (SSH Bruteforce, HTTP Scan), overall 4/5 at trust 4/5, last seen 2023-10-15",
      weight: 0.8,
    });
    // No trust score: no weight of its own, the aggregator uses the provider's usual one.
    expect(crowdsec.read(200, smoke({ scores: {} }), {})).not.toHaveProperty("weight");
  });

  it("maps suspicious 60 and known 30; safe and false positives are known benign at 0", () => {
    expect(crowdsec.read(200, smoke({ reputation: "suspicious" }), {})).toMatchObject({ score: 60 });
    expect(crowdsec.read(200, smoke({ reputation: "known" }), {})).toMatchObject({ score: 30 });
    expect(crowdsec.read(200, smoke({ reputation: "safe" }), {})).toMatchObject({
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
    });
    const fp = smoke({
      classifications: {
        false_positives: [{ name: "seo:crawler", label: "SEO crawler", description: "x" }],
        classifications: [],
      },
    });
    expect(crowdsec.read(200, fp, {})).toEqual({
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
      detail: "known false positive: SEO crawler (reputation malicious)",
    });
  });

  it("reads the 404 and an `unknown` reputation as not found", () => {
    expect(
      crowdsec.read(404, JSON.stringify({ message: "IP address information not found" }), {}),
    ).toMatchObject({
      status: "not_found",
    });
    expect(crowdsec.read(404, "", {})).toMatchObject({ status: "not_found" });
    expect(crowdsec.read(200, smoke({ reputation: "unknown" }), {})).toMatchObject({ status: "not_found" });
  });

  it("reads a 429 as quota with Retry-After seconds, a 403 as a refused key", () => {
    expect(
      crowdsec.read(429, JSON.stringify({ message: "Too Many Requests" }), { "Retry-After": "300" }),
    ).toMatchObject({
      status: "quota",
      retryAfterS: 300,
    });
    expect(crowdsec.read(403, JSON.stringify({ message: "Forbidden" }), {})).toEqual({
      status: "error",
      detail: "CrowdSec refused the key (HTTP 403)",
    });
  });

  it("reads an HTML 502 or 404, a truncated body and an unknown reputation as errors", () => {
    expect(crowdsec.read(502, HTML_502, {})).toMatchObject({
      status: "error",
      detail: expect.stringContaining("HTML"),
    });
    expect(crowdsec.read(404, HTML_502, {}).status).toBe("error");
    expect(crowdsec.read(200, truncated(SMOKE), {})).toMatchObject({
      status: "error",
      detail: expect.stringMatching(/^not JSON/),
    });
    expect(crowdsec.read(200, smoke({ reputation: "evil" }), {})).toEqual({
      status: "error",
      detail: 'unexpected answer: reputation "evil"',
    });
  });
});
