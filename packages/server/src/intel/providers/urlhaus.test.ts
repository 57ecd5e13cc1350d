import { describe, expect, it } from "vitest";
import { urlhaus } from "./urlhaus.js";

// The reference's host answer (1.8); note url_count is a string.
const HOST = JSON.stringify({
  query_status: "ok",
  urlhaus_reference: "https://urlhaus.abuse.ch/host/203.0.113.9/",
  host: "203.0.113.9",
  firstseen: "2026-08-01 10:00:00 UTC",
  url_count: "3",
  blacklists: { spamhaus_dbl: "not listed", surbl: "not listed" },
  urls: [
    {
      id: "1",
      url: "http://203.0.113.9/x.exe",
      url_status: "online",
      threat: "malware_download",
      tags: ["exe"],
    },
    { id: "2", url: "http://203.0.113.9/y.sh", url_status: "offline", threat: "malware_download", tags: [] },
  ],
});

describe("urlhaus", () => {
  it("POSTs the host form with the Auth-Key header", () => {
    expect(urlhaus.request("203.0.113.9", "k-abuse")).toEqual({
      method: "POST",
      path: "/v1/host/",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
        "Auth-Key": "k-abuse",
      },
      body: "host=203.0.113.9",
    });
    expect(urlhaus.request("2001:db8::1", "k").body).toBe("host=2001%3Adb8%3A%3A1");
  });

  it("scores 70 with an online URL, 40 when all are offline", () => {
    expect(urlhaus.read(200, HOST, {})).toEqual({
      status: "ok",
      score: 70,
      categories: ["malware_download"],
      detail: "3 URLhaus URLs, 1 online",
    });
    const offline = JSON.parse(HOST);
    for (const u of offline.urls) u.url_status = "offline";
    expect(urlhaus.read(200, JSON.stringify(offline), {})).toMatchObject({ status: "ok", score: 40 });
  });

  it("reads no_results as not found and unknown_auth_key as an error", () => {
    expect(urlhaus.read(200, '{"query_status":"no_results"}', {}).status).toBe("not_found");
    expect(urlhaus.read(200, '{"query_status":"unknown_auth_key"}', {})).toEqual({
      status: "error",
      detail: "URLhaus refused the Auth-Key",
    });
    expect(urlhaus.read(401, "", {})).toMatchObject({ status: "error" });
  });

  it("maps 429 to quota with Retry-After", () => {
    expect(urlhaus.read(429, "", { "Retry-After": "30" })).toMatchObject({
      status: "quota",
      retryAfterS: 30,
    });
  });

  it("never throws on HTML 502, truncated JSON or odd shapes", () => {
    expect(urlhaus.read(502, "<html>Bad Gateway</html>", {})).toMatchObject({ status: "error" });
    expect(urlhaus.read(200, HOST.slice(0, 40), {})).toMatchObject({ status: "error" });
    expect(urlhaus.read(200, "42", {})).toMatchObject({ status: "error" });
  });
});
