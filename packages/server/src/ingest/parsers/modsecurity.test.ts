import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusPath, hasCorpus } from "../../test-support/corpus.js";
import { parseModSecurity } from "./modsecurity.js";
import { parseModSecurityAudit } from "./modsecurity-audit.js";
import { parseLine } from "./registry.js";

const ctx = { receivedAt: Date.UTC(2024, 2, 7), timezone: "UTC" };
const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "fixtures/modsecurity", name), "utf8")
    .split("\n")
    .filter(Boolean);

describe("ModSecurity error-log lines", () => {
  const [nginxRule, nginxBlock, apacheRule, apacheBlock] = fixture("error-log.txt");

  it("turns an ordinary rule hit into a modsec row only, linked by unique_id", () => {
    const r = parseModSecurity(nginxRule ?? "", ctx);
    expect(r?.event).toBeUndefined();
    expect(r?.modsec).toHaveLength(1);
    const row = r?.modsec?.[0];
    expect(row).toMatchObject({
      rule_id: "942100",
      rule_msg: "SQL Injection Attack Detected via libinjection",
      rule_severity: "CRITICAL",
      crs_version: "OWASP_CRS/3.3.5",
      paranoia_level: 1,
      attack_type: "sql",
      anomaly_score: 5,
      is_blocking: false,
      unique_id: "170973373164.912345",
      src_ip: "203.0.113.7",
      hostname: "shop.example.com",
      uri: "/products.php",
      timestamp: Date.UTC(2024, 2, 6, 14, 2, 11),
    });
    expect(row?.rule_data).toContain("UNION SELECT");
  });

  it("turns the nginx 949110 'Access denied' line into a dropped WAF event", () => {
    const r = parseModSecurity(nginxBlock ?? "", ctx);
    expect(r?.event).toMatchObject({
      source_type: "modsecurity",
      log_type: "WAF",
      action: "drop",
      rule_id: "949110",
      message: "Inbound Anomaly Score Exceeded (Total Score: 10)",
      src_ip: "203.0.113.7",
      hostname: "shop.example.com",
      http_method: "GET",
      http_status: 403,
      unique_id: "170973373164.912345",
      severity: "critical",
    });
    expect(r?.modsec?.[0]).toMatchObject({ is_blocking: true, total_score: 10, anomaly_score: 10 });
  });

  it("reads Apache's prefix: client address and port, microsecond time", () => {
    const rule = parseModSecurity(apacheRule ?? "", ctx);
    expect(rule?.modsec?.[0]).toMatchObject({ attack_type: "lfi", src_ip: "198.51.100.23", src_port: 40112 });
    const block = parseModSecurity(apacheBlock ?? "", ctx);
    expect(block?.event).toMatchObject({ action: "drop", src_ip: "198.51.100.23", url: "/../../etc/passwd" });
    expect(block?.event?.timestamp).toBe(Date.UTC(2024, 2, 6, 14, 5, 40, 513));
  });

  it("returns null for a line that does not come from ModSecurity", () => {
    expect(parseModSecurity("2024/03/06 14:02:11 [error] 1#1: *1 open() failed", ctx)).toBeNull();
  });
});

describe("ModSecurity v3 JSON audit log", () => {
  it("gives one event per transaction and one row per rule, blocking rule first", () => {
    const line = fixture("audit-v3.jsonl")[0] ?? "";
    const r = parseModSecurityAudit(line, ctx);
    expect(r?.event).toMatchObject({
      source_type: "modsecurity",
      action: "drop",
      rule_id: "949110",
      src_ip: "203.0.113.7",
      src_port: 51234,
      hostname: "shop.example.com",
      http_method: "GET",
      http_status: 403,
      user_agent: "sqlmap/1.7.2#stable (https://sqlmap.org)",
      sub_category: "sql",
      severity: "critical",
      modsec_rule_ids: ["942100", "913100", "949110"],
      timestamp: Date.UTC(2024, 2, 6, 14, 2, 11),
    });
    expect(r?.modsec?.map((m) => [m.rule_id, m.attack_type, m.rule_severity, m.is_blocking])).toEqual([
      ["942100", "sql", "CRITICAL", false],
      ["913100", "scanner", "CRITICAL", false],
      ["949110", "generic", "CRITICAL", true],
    ]);
  });
});

describe.skipIf(!hasCorpus)("ModSecurity corpus (elastic/integrations)", () => {
  const lines = (f: string) => readFileSync(corpusPath("modsecurity", f), "utf8").split("\n").filter(Boolean);

  it("v3 audit records agree with Elastic's expected documents", () => {
    const expected = JSON.parse(
      readFileSync(corpusPath("modsecurity", "test-audit.log-expected.json"), "utf8"),
    ).expected as {
      "@timestamp": string;
      source: { ip: string; port: number };
      http: { request: { method: string }; response: { status_code: number } };
      url: { path: string; domain: string };
      user_agent: { original: string };
    }[];
    const input = lines("test-audit.log");
    expect(input).toHaveLength(expected.length);
    input.forEach((line, i) => {
      const want = expected[i];
      const e = parseLine(line, ctx).event;
      expect(e).toMatchObject({
        source_type: "modsecurity",
        timestamp: Date.parse(want?.["@timestamp"] ?? ""),
        src_ip: want?.source.ip,
        src_port: want?.source.port,
        http_method: want?.http.request.method,
        http_status: want?.http.response.status_code,
        url: want?.url.path,
        hostname: want?.url.domain,
        user_agent: want?.user_agent.original,
        raw_log: line,
      });
      // 403 without rule messages: the connector blocked it.
      expect(e?.action).toBe(want?.http.response.status_code === 403 ? "drop" : "allow");
    });
  });

  it("v2 (Apache) audit records give the blocking rule, the attack class and the CRS scores", () => {
    const [rce, sqli] = lines("test-apache-audit.log").map((l) => parseLine(l, ctx));
    expect(rce?.event).toMatchObject({
      action: "drop",
      rule_id: "949110",
      sub_category: "rce",
      src_ip: "127.0.0.1",
    });
    expect(rce?.event?.url).toBe("/index.php?exec=/bin/bash");
    expect(rce?.modsec?.find((m) => m.rule_id === "980170")?.total_score).toBe(5);
    expect(sqli?.event).toMatchObject({
      action: "drop",
      src_ip: "89.160.20.112",
      src_port: 47461,
      hostname: "test.website.com",
      unique_id: "Yj2WRzj5DcQDZ5V47KL4JQAAAAE",
      timestamp: Date.UTC(2022, 2, 25, 10, 15, 35),
    });
    expect(sqli?.modsec?.map((m) => m.rule_id)).toEqual(["942100", "949110", "980130"]);
    expect(sqli?.modsec?.[0]).toMatchObject({
      attack_type: "sql",
      paranoia_level: 1,
      crs_version: "OWASP_CRS/3.3.2",
    });
    expect(sqli?.modsec?.[2]?.total_score).toBe(5);
  });
});
