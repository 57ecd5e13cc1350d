import { describe, expect, it } from "vitest";
import { criminalip } from "./criminalip.js";
import { fixture, HTML_502, truncated } from "./fixtures/recorded.js";

const REPORT = fixture("criminalip-report.json");

function report(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(REPORT), ...patch });
}

describe("criminalip", () => {
  it("asks /v1/asset/ip/report?ip= with the x-api-key header", () => {
    expect(criminalip.request("1.1.1.1", "k-cip")).toEqual({
      method: "GET",
      path: "/v1/asset/ip/report?ip=1.1.1.1",
      headers: { Accept: "application/json", "x-api-key": "k-cip" },
    });
    expect(criminalip.defaultBaseUrl).toBe("https://api.criminalip.io");
    expect(criminalip.tier).toBe(3);
    expect(criminalip.needsKey).toBe(true);
  });

  it("scores the inbound level; cloud is context, not a category", () => {
    expect(criminalip.read(200, REPORT, {})).toEqual({
      status: "ok",
      score: 25,
      categories: [],
      detail: "inbound Low, outbound Safe, 5 abuse records",
      is_tor: false,
    });
  });

  it("maps every level and lists the threat-like issue flags", () => {
    const levels = ["Safe", "Low", "Moderate", "Dangerous", "Critical"];
    expect(
      levels.map((l) => criminalip.read(200, report({ score: { inbound: l, outbound: "Safe" } }), {})),
    ).toMatchObject([0, 25, 50, 75, 100].map((score) => ({ score })));
    const tor = report({
      score: { inbound: "Dangerous", outbound: "Low" },
      issues: { is_tor: true, is_scanner: true, is_anonymous_vpn: true, is_cloud: true },
    });
    expect(criminalip.read(200, tor, {})).toMatchObject({
      score: 75,
      categories: ["tor", "scanner", "anonymous-vpn"],
      is_tor: true,
    });
  });

  it("reads a body status other than 200 with a message as not found", () => {
    const body = JSON.stringify({ status: 404, message: "no data" });
    expect(criminalip.read(200, body, {})).toEqual({
      status: "not_found",
      detail: "unknown to Criminal IP: no data",
    });
  });

  it("reads a 429 as quota with Retry-After seconds, and a 403 as quota (bad key or spent quota)", () => {
    expect(
      criminalip.read(429, JSON.stringify({ status: 429, message: "limit" }), { "Retry-After": "120" }),
    ).toMatchObject({ status: "quota", retryAfterS: 120 });
    expect(criminalip.read(403, "", {})).toMatchObject({ status: "quota" });
    expect(
      criminalip.read(200, JSON.stringify({ status: 403, message: "Limit exceeded" }), {}),
    ).toMatchObject({
      status: "quota",
      detail: expect.stringContaining("Limit exceeded"),
    });
  });

  it("reads an HTML 502, a truncated body and an unknown level as errors", () => {
    expect(criminalip.read(502, HTML_502, {})).toMatchObject({
      status: "error",
      detail: expect.stringContaining("HTML"),
    });
    expect(criminalip.read(200, truncated(REPORT), {})).toMatchObject({
      status: "error",
      detail: expect.stringMatching(/^not JSON/),
    });
    expect(criminalip.read(200, report({ score: { inbound: 5 } }), {})).toEqual({
      status: "error",
      detail: "unexpected answer: no score.inbound",
    });
    expect(criminalip.read(200, JSON.stringify({ status: 500, message: "internal" }), {}).status).toBe(
      "error",
    );
  });
});
