import { describe, expect, it } from "vitest";
import { internetdb } from "./internetdb.js";

// The reference's InternetDB answer shape (1.9).
const HOST = JSON.stringify({
  ip: "203.0.113.5",
  ports: [22, 80, 443],
  cpes: ["cpe:/a:openbsd:openssh"],
  hostnames: ["scan.example.net"],
  tags: ["scanner", "cloud"],
  vulns: ["CVE-2023-38408", "CVE-2024-6387"],
});
const NOT_INDEXED = '{"detail":"No information available"}';

describe("internetdb", () => {
  it("GETs /{ip} with no key", () => {
    expect(internetdb.needsKey).toBe(false);
    expect(internetdb.request("203.0.113.5", null)).toEqual({
      method: "GET",
      path: "/203.0.113.5",
      headers: { Accept: "application/json" },
    });
  });

  it("scores the most telling tag plus 2 a CVE, keeping only threat tags as categories", () => {
    expect(internetdb.read(200, HOST, {})).toEqual({
      status: "ok",
      score: 34,
      categories: ["scanner"],
      detail: "3 open ports, tags scanner, cloud, 2 known CVEs",
      is_tor: false,
    });
    const tor = { ...JSON.parse(HOST), tags: ["tor"], vulns: [] };
    expect(internetdb.read(200, JSON.stringify(tor), {})).toMatchObject({ score: 20, is_tor: true });
    const plain = { ...JSON.parse(HOST), tags: ["cdn"], vulns: [] };
    expect(internetdb.read(200, JSON.stringify(plain), {})).toMatchObject({ status: "ok", score: 0 });
  });

  it("reads the documented 404 as not found, but not a bare 404 page", () => {
    expect(internetdb.read(404, NOT_INDEXED, {})).toEqual({
      status: "not_found",
      detail: "not indexed by Shodan: No information available",
    });
    expect(internetdb.read(404, "<html>Not Found</html>", {})).toMatchObject({ status: "error" });
  });

  it("maps 429 to quota with Retry-After", () => {
    expect(internetdb.read(429, "Too Many Requests", { "Retry-After": "10" })).toEqual({
      status: "quota",
      detail: "rate limited (HTTP 429): Too Many Requests",
      retryAfterS: 10,
    });
  });

  it("never throws on HTML 502, truncated JSON or odd shapes", () => {
    expect(internetdb.read(502, "<html>Bad Gateway</html>", {})).toMatchObject({ status: "error" });
    expect(internetdb.read(200, HOST.slice(0, 30), {})).toMatchObject({ status: "error" });
    expect(internetdb.read(200, '{"ports":[]}', {})).toMatchObject({ status: "error" });
  });
});
