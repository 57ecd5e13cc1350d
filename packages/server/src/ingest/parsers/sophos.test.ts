import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { EventDraft, ParseContext } from "../event.js";
import { looksLikeSophos, parseSophos } from "./sophos.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "sophos");
const fixture = (name: string) =>
  readFileSync(join(fixtures, name), "utf8")
    .split("\n")
    .filter((l) => l !== "");

const receivedAt = Date.UTC(2024, 2, 10, 15, 0, 0);
/** Legacy lines without a trustworthy zone abbreviation are read in the sender's zone. */
const ctx: ParseContext = { receivedAt, timezone: "Europe/Paris" };

function parse(line: string, context: ParseContext = ctx): EventDraft {
  const event = parseSophos(line, context)?.event;
  if (!event) throw new Error(`not parsed: ${line}`);
  return event;
}

const legacy = fixture("legacy.txt").map((l) => parse(l));
const sfos20 = fixture("sfos20.txt").map((l) => parse(l));
const edge = fixture("edge.txt");

describe("Sophos parser, legacy format (date= time= timezone=)", () => {
  it("normalises a firewall drop, with a readable summary", () => {
    expect(legacy[0]).toMatchObject({
      source_type: "sophos",
      timestamp: Date.UTC(2024, 2, 10, 13, 5, 9), // CET is always +01:00
      log_type: "Firewall",
      category: "Firewall Rule",
      sub_category: "Denied",
      action: "drop",
      severity: "info",
      src_ip: "203.0.113.50",
      src_port: 55555,
      dst_ip: "192.0.2.10",
      dst_port: 22,
      protocol: "TCP",
      rule_id: "5",
      rule_name: "Block SSH",
      sophos_id: "010102600002",
      device_serial: "C2300ABCDEF1234",
      parse_error: "",
      message: "Firewall drop TCP 203.0.113.50:55555 -> 192.0.2.10:22 (rule 5 'Block SSH')",
    });
  });

  it("maps IDP to IPS, reads the signature, raises severity by rule priority, tags web attacks T1190", () => {
    expect(legacy[1]).toMatchObject({
      // IST is ambiguous (India, Ireland, Israel): read in the sender's zone, Paris (+01:00 in March).
      timestamp: Date.UTC(2024, 2, 10, 13, 6, 0),
      log_type: "IPS",
      action: "drop",
      severity: "high",
      rule_id: "58722",
      rule_name: "SERVER-WEBAPP Apache Struts remote code execution attempt",
      mitre_technique: "T1190",
      src_ip: "198.51.100.23",
    });
  });

  it("reads ATP sourceip/destinationip, keeps an alert's action empty and floors it at high", () => {
    expect(legacy[2]).toMatchObject({
      timestamp: Date.UTC(2024, 2, 10, 14, 7, 30),
      log_type: "ATP",
      action: "",
      severity: "high",
      src_ip: "192.168.10.15",
      dst_ip: "203.0.113.99",
      rule_name: "C2/Generic-A",
      user_name: "alice",
      mitre_technique: "T1071",
    });
  });

  it("reads an anti-virus detection", () => {
    expect(legacy[3]).toMatchObject({
      log_type: "Anti-Virus",
      action: "drop",
      severity: "critical",
      rule_name: "EICAR-AV-Test",
      url: "http://downloads.example.com/eicar.com",
      hostname: "downloads.example.com",
      user_name: "bob",
    });
  });

  it("maps WAF sourceip, method, httpstatus, url (+ query), useragent and server", () => {
    expect(legacy[4]).toMatchObject({
      log_type: "WAF",
      action: "drop",
      src_ip: "198.51.100.77",
      dst_ip: "192.0.2.30",
      http_method: "POST",
      http_status: 403,
      url: "/login.php?id=1%27%20OR%201=1",
      user_agent: "sqlmap/1.7.2#stable (https://sqlmap.org)",
      hostname: "shop.example.com",
      reason: "WAF Anomaly",
      rule_id: "9",
      mitre_technique: "T1190",
      user_name: "",
    });
    expect(legacy[5]).toMatchObject({
      log_type: "WAF",
      action: "allow",
      http_status: 200,
      reason: "",
      url: "/index.html",
    });
  });

  it("files VPN events under VPN and keeps the firewall's own message", () => {
    expect(legacy[6]).toMatchObject({
      log_type: "VPN",
      category: "SSL VPN Authentication",
      sub_category: "Authentication",
      action: "",
      severity: "low",
      user_name: "mallory",
      src_ip: "203.0.113.66",
      reason: "wrong credentials",
      message:
        "User mallory failed to login to SSLVPN through Local authentication mechanism because of wrong credentials",
    });
  });

  it("does not take System Health's CPU `user=` for a user name", () => {
    expect(legacy[7]).toMatchObject({
      log_type: "System Health",
      category: "CPU",
      user_name: "",
      action: "",
    });
  });

  it("reads content filtering denials and anti-spam quarantines", () => {
    expect(legacy[8]).toMatchObject({
      log_type: "Content Filtering",
      action: "drop",
      hostname: "casino.example.net",
      url: "https://casino.example.net/",
      user_name: "carol",
    });
    expect(legacy[9]).toMatchObject({ log_type: "Anti-Spam", action: "quarantine", severity: "medium" });
  });

  it("falls back to the sender's zone for every legacy line when asked to", () => {
    const line = fixture("legacy.txt")[1] ?? "";
    expect(parse(line, { receivedAt, timezone: "UTC" }).timestamp).toBe(Date.UTC(2024, 2, 10, 14, 6, 0));
  });
});

describe("Sophos parser, SFOS 19.5+/20 format (timestamp= severity= device_serial_id=)", () => {
  it("uses the line's own offset, even behind a syslog header", () => {
    expect(sfos20[0]).toMatchObject({
      timestamp: Date.UTC(2024, 2, 10, 13, 5, 9),
      log_type: "Firewall",
      action: "drop",
      severity: "info",
      rule_id: "5",
      rule_name: "Block SSH",
      src_ip: "203.0.113.50",
      dst_port: 22,
      device_serial: "X21001ABCDEF12",
      sophos_id: "010102600002",
    });
  });

  it("reads new-style IPS lines (sig_id, signature in message) after a glued PRI", () => {
    expect(sfos20[1]).toMatchObject({
      timestamp: Date.UTC(2024, 2, 10, 14, 0, 1),
      log_type: "IPS",
      rule_id: "2300357",
      rule_name: "SERVER-WEBAPP ThinkPHP 5.0.23 remote code execution attempt",
      severity: "medium",
      action: "drop",
      src_port: 60253,
      mitre_technique: "T1190",
    });
  });

  it("reads new-style WAF lines with src_ip/dst_ip/http_status/user_agent (where Elastic's pipeline fails)", () => {
    expect(sfos20[2]).toMatchObject({
      timestamp: Date.UTC(2024, 2, 10, 14, 0, 0),
      log_type: "WAF",
      action: "drop",
      src_ip: "198.51.100.90",
      dst_ip: "192.0.2.40",
      http_method: "POST",
      http_status: 403,
      url: "/wp-login.php",
      user_agent: "curl/8.5.0",
      hostname: "portal.example.com",
    });
  });

  it("keeps a critical ATP line critical", () => {
    expect(sfos20[3]).toMatchObject({
      timestamp: Date.UTC(2024, 2, 10, 19, 0, 5),
      log_type: "ATP",
      severity: "critical",
      action: "drop",
      rule_name: "Troj/Agent-ABC",
      url: "http://bad.example.org/beacon",
    });
  });
});

describe("Sophos parser, awkward lines", () => {
  it("returns what it read from a truncated line and sets parse_error", () => {
    const e = parse(edge[0] ?? "");
    expect(e.log_type).toBe("Event");
    expect(e.timestamp).toBe(Date.UTC(2024, 2, 10, 14, 0, 0));
    expect(e.parse_error).toMatch(/unterminated quote/);
  });

  it("reads escaped quotes, `=` in quotes, spaced unquoted values and a numeric timezone", () => {
    const e = parse(edge[1] ?? "");
    expect(e.message).toBe(String.raw`User "bob" said \o/ with a=b inside`);
    expect(e.timestamp).toBe(Date.UTC(2024, 2, 10, 16, 0, 0)); // timezone="-02"
    expect(e.parse_error).toBe("");
  });

  it("uses the syslog time, then the receive time, for a line without a time; severity from log_id", () => {
    const line = edge[2] ?? "";
    expect(parse(line)).toMatchObject({
      timestamp: receivedAt,
      action: "drop",
      user_name: "erin",
      hostname: "files.example.com",
      severity: "critical", // log_id digit 7 = 1 (Alert)
      parse_error: "",
    });
    const syslogTime = Date.UTC(2024, 2, 10, 12, 0, 0);
    const withSyslog: ParseContext = {
      ...ctx,
      syslog: {
        facility: 1,
        severity: 6,
        timestamp: syslogTime,
        hostname: "fw",
        appName: "",
        procId: "",
        msgId: "",
        structuredData: {},
      },
    };
    expect(parse(line, withSyslog).timestamp).toBe(syslogTime);
  });

  it("declines lines that are not Sophos", () => {
    const sshd = edge[3] ?? "";
    expect(looksLikeSophos(sshd)).toBe(false);
    expect(parseSophos(sshd, ctx)).toBeNull();
    expect(parseSophos("", ctx)).toBeNull();
    expect(fixture("legacy.txt").every(looksLikeSophos)).toBe(true);
    expect(fixture("sfos20.txt").every(looksLikeSophos)).toBe(true);
  });

  it("never throws on mangled input", () => {
    const base = fixture("legacy.txt")[4] ?? "";
    for (let cut = 0; cut < base.length; cut += 7) {
      expect(() => parseSophos(base.slice(0, cut), ctx)).not.toThrow();
    }
  });

  it("parses fast (printed figure, not an assertion)", () => {
    const lines = [...fixture("legacy.txt"), ...fixture("sfos20.txt")];
    const n = 100_000;
    for (let i = 0; i < 5_000; i++) parseSophos(lines[i % lines.length] ?? "", ctx); // warm up
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) parseSophos(lines[i % lines.length] ?? "", ctx);
    const cpu = process.cpuUsage(cpu0);
    const seconds = (performance.now() - t0) / 1000;
    // CPU time is the fairer figure on a shared machine (wall time includes waiting for a core).
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rate = (s: number) => Math.round(n / s).toLocaleString("en");
    console.log(`[sophos] ${rate(cpuSeconds)} lines/s per CPU second; ${rate(seconds)} lines/s wall clock`);
    expect(seconds).toBeGreaterThan(0);
  });
});
