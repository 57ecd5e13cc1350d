import { describe, expect, it } from "vitest";
import type { EventDraft, ParseContext, SyslogMeta } from "../event.js";
import { parseLine } from "./registry.js";

const receivedAt = Date.UTC(2024, 0, 15, 12, 0, 0);
const ctx: ParseContext = { receivedAt, timezone: "Europe/Paris" };
const syslog = (over: Partial<SyslogMeta>): ParseContext => ({
  ...ctx,
  syslog: {
    facility: 4,
    severity: 6,
    timestamp: Date.UTC(2024, 0, 15, 11, 59, 0),
    hostname: "gw1",
    appName: "",
    procId: "",
    msgId: "",
    structuredData: {},
    ...over,
  },
});

type Row = [label: string, line: string, context: ParseContext, expected: Partial<EventDraft>];

const TABLE: Row[] = [
  [
    "sophos",
    'device="SFW" date=2024-01-15 time=10:00:00 timezone="CET" device_name="XG230" device_id=C01 log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" status="Deny" priority=Information src_ip=203.0.113.5 dst_ip=10.0.0.8',
    ctx,
    { source_type: "sophos", src_ip: "203.0.113.5" },
  ],
  [
    "sshd failed password (file line)",
    "Jan 15 10:00:01 bastion sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2",
    ctx,
    {
      source_type: "sshd",
      log_type: "SSH",
      action: "reject",
      sub_category: "failure",
      user_name: "admin",
      src_ip: "203.0.113.9",
      src_port: 52144,
      hostname: "bastion",
      timestamp: Date.UTC(2024, 0, 15, 9, 0, 1),
    },
  ],
  [
    "sshd accepted (syslog message)",
    "Accepted publickey for deploy from 2001:db8::7 port 40022 ssh2: ED25519 SHA256:abc",
    syslog({ appName: "sshd" }),
    {
      source_type: "sshd",
      action: "allow",
      sub_category: "success",
      user_name: "deploy",
      src_ip: "2001:db8::7",
    },
  ],
  [
    "nginx combined with vhost",
    'shop.example.com 198.51.100.4 - - [15/Jan/2024:10:00:02 +0100] "GET /wp-login.php HTTP/1.1" 404 153 "-" "Mozilla/5.0 zgrab/0.x"',
    ctx,
    {
      source_type: "nginx",
      log_type: "Web",
      src_ip: "198.51.100.4",
      hostname: "shop.example.com",
      http_method: "GET",
      url: "/wp-login.php",
      http_status: 404,
      severity: "low",
      action: "",
      user_agent: "Mozilla/5.0 zgrab/0.x",
      message: "GET /wp-login.php HTTP/1.1",
      timestamp: Date.UTC(2024, 0, 15, 9, 0, 2),
    },
  ],
  [
    "apache combined named by the syslog tag, 403 = reject",
    '198.51.100.4 - bob [15/Jan/2024:10:00:03 +0000] "POST /admin HTTP/1.1" 403 199 "-" "curl/8.5"',
    syslog({ appName: "apache2" }),
    { source_type: "apache", action: "reject", user_name: "bob", http_status: 403 },
  ],
  [
    "nginx error log: limit_req",
    '2024/01/15 10:00:04 [error] 77#77: *9 limiting requests, excess: 10.5 by zone "login", client: 198.51.100.4, server: shop.example.com, request: "POST /login HTTP/2.0", host: "shop.example.com"',
    ctx,
    {
      source_type: "nginx",
      log_type: "Web",
      sub_category: "rate-limit",
      src_ip: "198.51.100.4",
      url: "/login",
    },
  ],
  [
    "apache error log: script not found",
    "[Mon Jan 15 10:00:05.123456 2024] [cgi:error] [pid 12:tid 34] [client 198.51.100.4:4431] AH02811: script not found or unable to stat: /usr/lib/cgi-bin/php",
    ctx,
    { source_type: "apache", sub_category: "not-found", src_ip: "198.51.100.4", src_port: 4431 },
  ],
  [
    "ModSecurity blocking line",
    '[Mon Jan 15 10:00:06 2024] [:error] [pid 1] [client 192.0.2.77:5678] ModSecurity: Access denied with code 403 (phase 2). Operator GE matched 5 at TX:anomaly_score. [file "/crs/REQUEST-949-BLOCKING-EVALUATION.conf"] [line "93"] [id "949110"] [msg "Inbound Anomaly Score Exceeded (Total Score: 15)"] [severity "CRITICAL"] [ver "OWASP_CRS/3.3.2"] [hostname "www.example.org"] [uri "/"] [unique_id "abc123"]',
    ctx,
    { source_type: "modsecurity", log_type: "WAF", action: "drop", rule_id: "949110", unique_id: "abc123" },
  ],
  [
    "CEF with escapes",
    String.raw`CEF:0|Imperva|WAF|12.0|SQLi-01|SQL injection \| blocked|8|src=192.0.2.10 spt=41000 dst=10.0.0.2 dpt=443 proto=TCP act=blocked suser=alice request=/q?a\=1 requestMethod=GET msg=line one\nline two cs1Label=Policy cs1=Strict rt=1705312800000`,
    ctx,
    {
      source_type: "cef",
      rule_id: "SQLi-01",
      rule_name: "SQL injection | blocked",
      severity: "high",
      src_ip: "192.0.2.10",
      src_port: 41000,
      dst_port: 443,
      action: "drop",
      user_name: "alice",
      url: "/q?a=1",
      http_method: "GET",
      message: "line one\nline two",
      timestamp: 1705312800000,
    },
  ],
  [
    "JSON (ECS)",
    '{"@timestamp":"2024-01-15T10:00:07Z","source":{"ip":"192.0.2.11","port":"5555"},"destination.port":22,"url":{"original":"/x"},"http":{"request":{"method":"PUT"}},"user_agent":{"original":"ua/1"},"event":{"severity":7},"message":"hello"}',
    ctx,
    {
      source_type: "json",
      src_ip: "192.0.2.11",
      src_port: 5555,
      dst_port: 22,
      url: "/x",
      http_method: "PUT",
      user_agent: "ua/1",
      severity: "high",
      message: "hello",
      timestamp: Date.UTC(2024, 0, 15, 10, 0, 7),
    },
  ],
  [
    "RFC 5424 structured data",
    "user login refused",
    syslog({
      appName: "appd",
      severity: 4,
      structuredData: { "login@32473": { src: "192.0.2.12", user: "eve", action: "deny", zone: "dmz" } },
    }),
    {
      source_type: "rfc5424",
      src_ip: "192.0.2.12",
      user_name: "eve",
      action: "drop",
      severity: "medium",
      message: "user login refused",
      reason: "login@32473.zone=dmz",
    },
  ],
];

describe("parseLine picks the right parser", () => {
  it.each(TABLE)("%s", (_label, line, context, expected) => {
    const r = parseLine(line, context);
    expect(r.event).toMatchObject({ ...expected, raw_log: line });
  });
});

describe("parseLine never loses a line", () => {
  const garbage: [string, string][] = [
    ["plain text", "the quick brown fox"],
    ["random bytes", String.fromCharCode(...Array.from({ length: 400 }, (_, i) => (i * 7919) % 256))],
    ["a 1 MB line", `host app: ${'A] "x from 1.2.3.4 '.repeat(65_536)}`],
    ["invalid UTF-8 replaced", "\uFFFD\uFFFD sshd \uFFFD from \uFFFD port"],
    ["truncated JSON", '{"src_ip":"192.0.2.1","message":"cut here'],
    ["truncated CEF", "CEF:0|Vendor|Prod"],
    ["empty", ""],
  ];
  it.each(garbage)("%s → unknown with raw_log kept", (_label, line) => {
    const r = parseLine(line, ctx);
    expect(r.event?.source_type).toBe("unknown");
    expect(r.event?.raw_log).toBe(line);
    expect(r.event?.message).toBe(line);
    expect(r.event?.timestamp).toBe(receivedAt);
  });

  it("takes time and severity of an unknown line from its syslog header", () => {
    const c = syslog({ severity: 3, appName: "whatever" });
    const e = parseLine("something nobody parses", c).event;
    expect(e).toMatchObject({
      source_type: "unknown",
      severity: "high",
      timestamp: c.syslog?.timestamp,
      hostname: "gw1",
    });
    expect(parseLine("x", syslog({ severity: 0 })).event?.severity).toBe("critical");
    expect(parseLine("x", syslog({ severity: 5 })).event?.severity).toBe("low");
  });

  it("keeps a JSON value of the wrong type out of its field and says so", () => {
    const e = parseLine('{"src_ip":{"nested":true},"dst_port":"http","message":"m"}', ctx).event;
    expect(e).toMatchObject({ source_type: "json", message: "m" });
    expect(e?.src_ip ?? "").toBe("");
    expect(e?.parse_error).toContain("src_ip");
    expect(e?.parse_error).toContain("dst_port");
  });

  it("prints a throughput figure for a mixed sample", () => {
    const lines = TABLE.map(([, line, context]) => [line, context] as const);
    const n = 60_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const [line, context] = lines[i % lines.length] ?? ["", ctx];
      parseLine(line, context);
    }
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `parseLine: ${Math.round(n / seconds).toLocaleString("en")} lines/s over ${lines.length} formats`,
    );
  });
});
