import { describe, expect, it } from "vitest";
import { parseLine } from "../../ingest/parsers/registry.js";
import { parseSyslogHeader } from "../../ingest/syslog/header.js";
import { ATTACKERS, SITES } from "./actors.js";
import { createTrafficMix, type TrafficItem } from "./mix.js";

const AT = Date.UTC(2026, 4, 18, 14, 38, 33);
const RFC3164 = /^<\d{1,3}>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \S+ /;
const RFC5424 = /^<\d{1,3}>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \S+ \S+ \S+ \S+ (-|\[.*?\]) /;
const LEGACY_KEYS = ["device", "date", "time", "timezone", "device_name", "device_id", "log_id", "log_type"];
const NEW_KEYS = [
  "device_name",
  "timestamp",
  "device_serial_id",
  "log_id",
  "log_type",
  "log_version",
  "severity",
];
const COMMON_KEYS = ["log_component", "log_subtype"];

function sample(n: number, seed = 7): TrafficItem[] {
  const mix = createTrafficMix({ seed, now: () => AT });
  return Array.from({ length: n }, () => mix.next());
}

/**
 * Strict reading of a Sophos message: the whole text must be `key=value` pairs separated by single
 * spaces, values either bare (no space or quote) or double-quoted (no quote inside).
 */
function strictKv(message: string): Map<string, string> | null {
  const pair = /([A-Za-z_][\w.-]*)=("[^"]*"|[^\s"]*)(?: |$)/y;
  const out = new Map<string, string>();
  while (pair.lastIndex < message.length) {
    const m = pair.exec(message);
    if (!m) return null;
    const v = m[2] ?? "";
    out.set(m[1] ?? "", v.startsWith('"') ? v.slice(1, -1) : v);
  }
  return out;
}

function parse(frame: string) {
  const { meta, message } = parseSyslogHeader(frame, { receivedAt: AT, timezone: "UTC" });
  return { meta, message, result: parseLine(message, { receivedAt: AT, timezone: "UTC", syslog: meta }) };
}

describe("demo traffic mix", () => {
  const items = sample(4000);
  const kinds = new Set(items.map((i) => i.kind));

  it("covers every kind of traffic the demo promises", () => {
    for (const k of ["fw-allow", "fw-drop", "ips", "atp", "av", "waf", "vpn-ok", "vpn-fail", "heartbeat"]) {
      expect(kinds, k).toContain(k);
    }
    for (const k of ["port-scan", "waf-sqli", "modsec-block", "nginx", "ssh-bruteforce", "ssh-accept"]) {
      expect(kinds, k).toContain(k);
    }
  });

  it("is deterministic for a seed and different across seeds", () => {
    expect(sample(200, 3)).toEqual(sample(200, 3));
    expect(sample(50, 3)).not.toEqual(sample(50, 4));
  });

  it("wraps every line in a valid RFC 3164 or RFC 5424 header that Vigil's header parser reads", () => {
    for (const line of items.flatMap((i) => i.lines)) {
      expect(RFC3164.test(line) || RFC5424.test(line), line).toBe(true);
      expect(line).not.toMatch(/[\r\n]/);
      const { meta } = parse(line);
      expect(meta.timestamp, line).toBe(AT - (AT % 1000));
      expect(meta.hostname.length, line).toBeGreaterThan(0);
      expect(meta.facility, line).not.toBeNull();
    }
  });

  it("writes Sophos lines as key=value with the mandatory keys of their format", () => {
    const sophos = items.filter(
      (i) => !["nginx", "modsec-block"].includes(i.kind) && !i.kind.startsWith("ssh"),
    );
    let legacy = 0;
    let modern = 0;
    for (const item of sophos) {
      const { message } = parseSyslogHeader(item.lines[0] ?? "", { receivedAt: AT, timezone: "UTC" });
      const fields = strictKv(message);
      expect(fields, message).not.toBeNull();
      if (!fields) continue;
      const isNew = fields.get("log_version") === "1";
      if (isNew) modern++;
      else legacy++;
      for (const key of [...(isNew ? NEW_KEYS : LEGACY_KEYS), ...COMMON_KEYS])
        expect(fields.has(key), `${key} in ${message}`).toBe(true);
      if (fields.get("log_type") === "WAF") {
        for (const key of ["sourceip", "method", "httpstatus", "url", "useragent"])
          expect(fields.has(key), key).toBe(true);
      }
    }
    expect(legacy).toBeGreaterThan(100);
    expect(modern).toBeGreaterThan(100);
  });

  it("comes from three firewalls with distinct serials and hostnames", () => {
    const serials = new Set(SITES.map((s) => s.serial));
    const hosts = new Set(SITES.map((s) => s.hostname));
    expect(serials.size).toBe(3);
    expect(hosts.size).toBe(3);
    const seen = new Set(
      items.filter((i) => i.kind === "fw-allow").map((i) => parse(i.lines[0] ?? "").meta.hostname),
    );
    expect([...seen].sort()).toEqual([...hosts].sort());
  });

  it("groups a ModSecurity block as rule warnings then 949110, all with one unique_id", () => {
    const block = items.find((i) => i.kind === "modsec-block");
    expect(block).toBeDefined();
    const lines = block?.lines ?? [];
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const ids = new Set(lines.map((l) => /\[unique_id "([^"]+)"\]/.exec(l)?.[1]));
    expect(ids.size).toBe(1);
    expect(lines.at(-1)).toContain('[id "949110"]');
    expect(lines.slice(0, -1).every((l) => /\[id "942\d{3}"\]/.test(l))).toBe(true);
  });

  it("has noisy attackers: ssh brute force, port scan and SQLi campaign", () => {
    const all = items.flatMap((i) => i.lines).join("\n");
    const count = (ip: string) => all.split(ip).length - 1;
    expect(count(ATTACKERS.sshBruteForcer)).toBeGreaterThan(100);
    expect(count(ATTACKERS.portScanner)).toBeGreaterThan(100);
    expect(count(ATTACKERS.sqliCampaign)).toBeGreaterThan(100);
  });

  it("is understood by Vigil's parsers: the right source, type and attacker address", () => {
    const expectSource = (kind: string, source: string, logType?: string) => {
      const item = items.find((i) => i.kind === kind);
      const ev = parse(item?.lines[0] ?? "").result.event;
      expect(ev?.source_type, kind).toBe(source);
      if (logType) expect(ev?.log_type, kind).toBe(logType);
      expect(ev?.parse_error ?? "", kind).toBe("");
      return ev;
    };
    expect(expectSource("waf-sqli", "sophos", "WAF")?.src_ip).toBe(ATTACKERS.sqliCampaign);
    expect(expectSource("port-scan", "sophos", "Firewall")?.src_ip).toBe(ATTACKERS.portScanner);
    expectSource("ips", "sophos", "IPS");
    expectSource("atp", "sophos", "ATP");
    expectSource("av", "sophos", "Anti-Virus");
    expectSource("vpn-fail", "sophos", "VPN");
    expect(expectSource("ssh-bruteforce", "sshd")?.src_ip).toBe(ATTACKERS.sshBruteForcer);
    expectSource("nginx", "nginx");
  });

  it("puts the load generator's marker in every single-line event", () => {
    const mix = createTrafficMix({ seed: 9, singleLine: true, now: () => AT });
    for (let n = 0; n < 2000; n++) {
      const marker = `run1-${n}`;
      const item = mix.next(marker);
      expect(item.lines, item.kind).toHaveLength(1);
      expect(item.lines[0], item.kind).toMatch(new RegExp(`${marker}(?!\\d)`));
    }
  });
});
