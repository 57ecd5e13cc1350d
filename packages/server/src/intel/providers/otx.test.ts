import { describe, expect, it } from "vitest";
import { otx } from "./otx.js";

// Recorded from the reference's `general` example (1.2), abbreviated to the fields Vigil reads.
const GENERAL_50 = JSON.stringify({
  whois: "http://whois.domaintools.com/118.193.56.184",
  reputation: 0,
  indicator: "118.193.56.184",
  type: "IPv4",
  pulse_info: {
    count: 50,
    pulses: [
      {
        id: "6a6d3e0e57891f3def758d2f",
        name: "Honeypot Data – T-Pot",
        tags: ["tpot", "honeypot"],
        TLP: "white",
        malware_families: [{ id: "x", display_name: "Mirai" }],
        attack_ids: [{ id: "T1071", name: "Application Layer Protocol" }],
      },
    ],
    references: [],
  },
  false_positive: [],
  validation: [],
  asn: "AS4766",
  sections: ["general", "geo", "reputation"],
});

const GENERAL_NONE = JSON.stringify({
  indicator: "198.51.100.7",
  type: "IPv4",
  pulse_info: { count: 0, pulses: [], references: [] },
  false_positive: [],
  validation: [],
});

describe("otx", () => {
  it("asks the general section with the X-OTX-API-KEY header", () => {
    expect(otx.request("118.193.56.184", "k-otx")).toEqual({
      method: "GET",
      path: "/api/v1/indicators/IPv4/118.193.56.184/general",
      headers: { Accept: "application/json", "X-OTX-API-KEY": "k-otx" },
    });
    expect(otx.request("2001:db8::1", "k").path).toBe("/api/v1/indicators/IPv6/2001:db8::1/general");
    expect(otx.tier).toBe(1);
    expect(otx.defaultBaseUrl).toBe("https://otx.alienvault.com");
  });

  it("scores 10 a pulse, capped at 100, with malware families and tags as categories", () => {
    const v = otx.read(200, GENERAL_50, {});
    expect(v).toEqual({
      status: "ok",
      score: 100,
      categories: ["Mirai", "tpot", "honeypot"],
      detail: "in 50 OTX pulses",
    });
    const few = JSON.parse(GENERAL_50);
    few.pulse_info.count = 3;
    expect(otx.read(200, JSON.stringify(few), {})).toMatchObject({ status: "ok", score: 30 });
  });

  it("maps a whitelist validation to known benign whatever the pulse count", () => {
    const doc = JSON.parse(GENERAL_50);
    doc.validation = [
      { source: "whitelist", message: "contained in whitelisted prefix", name: "Whitelisted IP" },
    ];
    expect(otx.read(200, JSON.stringify(doc), {})).toEqual({
      status: "ok",
      score: 0,
      categories: ["known_benign"],
      detail: "in 50 pulses, but validated benign: Whitelisted IP",
    });
  });

  it("reads pulse count 0 and 404 as not found", () => {
    expect(otx.read(200, GENERAL_NONE, {}).status).toBe("not_found");
    expect(otx.read(404, "", {}).status).toBe("not_found");
  });

  it("maps 429 to quota with Retry-After", () => {
    expect(otx.read(429, "", { "Retry-After": "120" })).toEqual({
      status: "quota",
      detail: "rate limited (HTTP 429)",
      retryAfterS: 120,
    });
  });

  it("never throws on HTML, truncated JSON, odd shapes or 400", () => {
    expect(otx.read(502, "<html><body>Bad Gateway</body></html>", {})).toEqual({
      status: "error",
      detail: "HTTP 502 with an HTML page instead of JSON",
    });
    expect(otx.read(200, GENERAL_50.slice(0, 60), {})).toMatchObject({ status: "error" });
    expect(otx.read(200, "[]", {})).toEqual({
      status: "error",
      detail: "unexpected answer: not a JSON object",
    });
    expect(otx.read(200, '{"pulse_info":{}}', {})).toMatchObject({ status: "error" });
    expect(otx.read(400, '{"detail":"Invalid indicator"}', {})).toMatchObject({ status: "error" });
  });
});
