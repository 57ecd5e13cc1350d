import { describe, expect, it } from "vitest";
import { readThreatFox, threatfox } from "./threatfox.js";

// The reference's composite search_ioc answer (1.8).
const HIT = JSON.stringify({
  query_status: "ok",
  data: [
    {
      id: "41",
      ioc: "139.180.203.104:443",
      threat_type: "botnet_cc",
      ioc_type: "ip:port",
      malware: "win.cobalt_strike",
      malware_printable: "Cobalt Strike",
      malware_alias: null,
      confidence_level: 75,
      first_seen: "2020-12-08 13:36:27 UTC",
      last_seen: null,
      reporter: "abuse_ch",
      tags: ["CobaltStrike"],
      malware_samples: [],
    },
  ],
});
const NO_RESULT = '{"query_status":"no_result","data":"Your search did not yield any results"}';

describe("threatfox", () => {
  it("POSTs search_ioc for the bare IP with the Auth-Key header", () => {
    const req = threatfox.request("139.180.203.104", "k-abuse");
    expect(req).toEqual({
      method: "POST",
      path: "/api/v1/",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Auth-Key": "k-abuse" },
      body: '{"query":"search_ioc","search_term":"139.180.203.104","exact_match":false}',
    });
    expect(threatfox.defaultBaseUrl).toBe("https://threatfox-api.abuse.ch");
  });

  it("scores the highest confidence_level of the matching IOCs", () => {
    expect(threatfox.read(200, HIT, {})).toEqual({
      status: "ok",
      score: 75,
      categories: ["botnet_cc", "Cobalt Strike"],
      detail: "1 ThreatFox IOC, confidence up to 75",
    });
  });

  it("drops prefix matches of other IPs when it knows the asked IP", () => {
    const doc = JSON.parse(HIT);
    doc.data[0].ioc = "139.180.203.1045:80";
    expect(readThreatFox(200, JSON.stringify(doc), {}, "139.180.203.104").status).toBe("not_found");
    expect(readThreatFox(200, HIT, {}, "139.180.203.104").status).toBe("ok");
  });

  it("reads no_result as not found", () => {
    expect(threatfox.read(200, NO_RESULT, {})).toEqual({ status: "not_found", detail: "no ThreatFox IOC" });
  });

  it("maps 429 to quota with Retry-After, 401 and other query_status to errors", () => {
    expect(threatfox.read(429, "", { "retry-after": "60" })).toMatchObject({
      status: "quota",
      retryAfterS: 60,
    });
    expect(threatfox.read(401, "", {})).toMatchObject({ status: "error" });
    expect(threatfox.read(200, '{"query_status":"illegal_search_term"}', {})).toEqual({
      status: "error",
      detail: "ThreatFox query_status illegal_search_term",
    });
  });

  it("never throws on HTML 502, truncated JSON or odd shapes", () => {
    expect(threatfox.read(502, "<!DOCTYPE html><html>Bad Gateway</html>", {})).toMatchObject({
      status: "error",
    });
    expect(threatfox.read(200, HIT.slice(0, 50), {})).toMatchObject({ status: "error" });
    expect(threatfox.read(200, '{"query_status":"ok","data":"x"}', {})).toMatchObject({ status: "error" });
    expect(threatfox.read(200, "null", {})).toMatchObject({ status: "error" });
  });
});
