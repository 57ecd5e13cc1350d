import { describe, expect, it } from "vitest";
import { fixture, HTML_502, truncated } from "./fixtures/recorded.js";
import { greynoise } from "./greynoise.js";
import { KNOWN_BENIGN } from "./provider-read.js";

const MALICIOUS = fixture("greynoise-malicious.json");

describe("greynoise", () => {
  it("asks /v3/community/{ip} with the key in a header named `key`", () => {
    expect(greynoise.request("198.51.100.81", "k-gn")).toEqual({
      method: "GET",
      path: "/v3/community/198.51.100.81",
      headers: { Accept: "application/json", key: "k-gn" },
    });
    expect(greynoise.defaultBaseUrl).toBe("https://api.greynoise.io");
    expect(greynoise.tier).toBe(2);
  });

  it("asks without a key when none is set (the community API allows it)", () => {
    expect(greynoise.needsKey).toBe(false);
    expect(greynoise.request("198.51.100.81", null).headers).toEqual({ Accept: "application/json" });
  });

  it("reads a malicious scanner as 85", () => {
    expect(greynoise.read(200, MALICIOUS, {})).toEqual({
      status: "ok",
      score: 85,
      categories: ["malicious", "scanner"],
      detail: "classified malicious, scanning the internet, last seen 2026-11-30",
    });
  });

  it("reads a RIOT business service as known benign at 0", () => {
    expect(greynoise.read(200, fixture("greynoise-riot.json"), {})).toEqual({
      status: "ok",
      score: 0,
      categories: [KNOWN_BENIGN],
      detail: "known business service (Cloudflare), last seen 2020-01-01",
    });
  });

  it("reads an unknown-intent scanner as 40", () => {
    const body = JSON.stringify({ ...JSON.parse(MALICIOUS), classification: "unknown" });
    expect(greynoise.read(200, body, {})).toMatchObject({ status: "ok", score: 40, categories: ["scanner"] });
  });

  it("reads the 404 with its JSON body as not found, whatever the message says", () => {
    expect(greynoise.read(404, fixture("greynoise-not-found.json"), {})).toMatchObject({
      status: "not_found",
    });
    const shorter = JSON.stringify({
      ip: "8.8.8.8",
      noise: false,
      riot: false,
      message: "IP not observed scanning the internet.",
    });
    expect(greynoise.read(404, shorter, {})).toMatchObject({ status: "not_found" });
    // A 404 page from something in front of GreyNoise is not an answer about the IP.
    expect(greynoise.read(404, "<html><body>Not Found</body></html>", {}).status).toBe("error");
  });

  it("reads a 429 as quota with Retry-After seconds", () => {
    expect(
      greynoise.read(429, JSON.stringify({ message: "rate limit" }), { "retry-after": "3600" }),
    ).toMatchObject({
      status: "quota",
      retryAfterS: 3600,
    });
  });

  it("reads a refused address (400) as an error with GreyNoise's message", () => {
    const body = JSON.stringify({ message: "Request is not a valid routable IPv4 address" });
    expect(greynoise.read(400, body, {})).toEqual({
      status: "error",
      detail: "GreyNoise refused the address (HTTP 400): Request is not a valid routable IPv4 address",
    });
  });

  it("reads an HTML 502, a truncated body and an unexpected shape as errors", () => {
    expect(greynoise.read(502, HTML_502, {})).toMatchObject({
      status: "error",
      detail: expect.stringContaining("HTML"),
    });
    expect(greynoise.read(200, truncated(MALICIOUS), {})).toMatchObject({
      status: "error",
      detail: expect.stringMatching(/^not JSON/),
    });
    expect(greynoise.read(200, JSON.stringify({ ip: "1.2.3.4", message: "Success" }), {})).toEqual({
      status: "error",
      detail: "unexpected answer: no noise/riot flags",
    });
  });
});
