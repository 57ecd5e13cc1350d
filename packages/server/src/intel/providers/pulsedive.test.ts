import { describe, expect, it } from "vitest";
import { fixture, HTML_502, truncated } from "./fixtures/recorded.js";
import { pulsedive } from "./pulsedive.js";

const INFO = fixture("pulsedive-info.json");

function info(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(INFO), ...patch });
}

describe("pulsedive", () => {
  it("asks /api/info.php with the indicator and the key as query parameters", () => {
    expect(pulsedive.request("203.0.113.236", "k-pd")).toEqual({
      method: "GET",
      path: "/api/info.php?indicator=203.0.113.236&key=k-pd",
      headers: { Accept: "application/json" },
    });
    expect(pulsedive.request("2001:db8::1", null).path).toBe("/api/info.php?indicator=2001%3Adb8%3A%3A1");
    expect(pulsedive.defaultBaseUrl).toBe("https://pulsedive.com");
    expect(pulsedive.tier).toBe(3);
    expect(pulsedive.needsKey).toBe(false);
  });

  it("scores the risk level with linked threats as categories", () => {
    expect(pulsedive.read(200, INFO, {})).toEqual({
      status: "ok",
      score: 75,
      categories: ["Mirai", "SSH Brute Force"],
      detail: "risk high, 2 feeds, last seen 2026-11-30",
    });
    const scores = ["none", "low", "medium", "high", "critical", "retired"].map((risk) =>
      pulsedive.read(200, info({ risk }), {}),
    );
    expect(scores).toMatchObject([0, 25, 50, 75, 100, 0].map((score) => ({ status: "ok", score })));
    expect(pulsedive.read(200, info({ risk: "unknown" }), {})).toMatchObject({ status: "not_found" });
  });

  it("reads the 404 `Indicator not found.` as not found", () => {
    expect(pulsedive.read(404, fixture("pulsedive-not-found.json"), {})).toEqual({
      status: "not_found",
      detail: "unknown to Pulsedive",
    });
  });

  it("reads the 429 as quota with Retry-After seconds, keeping Pulsedive's message", () => {
    const v = pulsedive.read(429, fixture("pulsedive-429.json"), {
      "Retry-After": "1",
      "X-Requests-Remaining-Second": "0",
    });
    expect(v).toMatchObject({ status: "quota", retryAfterS: 1 });
    expect(v.detail).toContain("API rate limit exceeded");
  });

  it("reads an HTML 502 or 404, a truncated body and an unexpected shape as errors", () => {
    expect(pulsedive.read(502, HTML_502, {})).toMatchObject({
      status: "error",
      detail: expect.stringContaining("HTML"),
    });
    expect(pulsedive.read(404, HTML_502, {}).status).toBe("error");
    expect(pulsedive.read(200, truncated(INFO), {})).toMatchObject({
      status: "error",
      detail: expect.stringMatching(/^not JSON/),
    });
    expect(pulsedive.read(200, JSON.stringify({ error: "Invalid API key." }), {})).toEqual({
      status: "error",
      detail: "unexpected answer: Invalid API key.",
    });
  });
});
