/**
 * Synthetic but realistic events for the event-store benchmarks: 30 sites, the seed's log types with a
 * skewed mix, ~50k attacker IPs (a tenth IPv6), Sophos-like raw lines of ~300-600 bytes.
 */
import type { Event } from "../../packages/server/src/ingest/event.js";

const LOG_TYPES = [
  "Firewall",
  "Firewall",
  "Firewall",
  "Firewall",
  "WAF",
  "WAF",
  "IPS",
  "ATP",
  "Anti-Virus",
  "VPN",
];
const SEVERITIES = ["info", "info", "info", "low", "low", "medium", "medium", "high", "critical"] as const;
const ACTIONS = ["allow", "allow", "drop", "drop", "reject", "quarantine", ""] as const;
const COUNTRIES = ["FR", "US", "CN", "RU", "DE", "NL", "BR", "IN", "VN", "GB"];
const MESSAGES = [
  "SQL injection attempt blocked",
  "Cross-site scripting payload detected",
  "Port scan detected from external host",
  "SSH brute force login failure",
  "Connection allowed by policy",
  "Malware download blocked: EICAR-Test-File",
  "VPN tunnel established for user",
  "Path traversal attempt in URI",
];
const URLS = [
  "/",
  "/login",
  "/wp-login.php",
  "/api/v1/items?id=1",
  "/../../etc/passwd",
  "/search?q=<script>",
];

/** Deterministic xorshift, so runs compare like with like. */
export function rng(seed = 42): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

export function ipFor(n: number): string {
  if (n % 10 === 0) return `2001:db8:${(n >>> 8).toString(16)}::${(n & 0xff).toString(16)}`;
  return `${((n * 7919) % 223) + 1}.${(n >>> 8) & 255}.${n & 255}.${((n * 31) % 254) + 1}`;
}

export function syntheticEvent(r: () => number, i: number, timestamp: number): Event {
  const logType = pick(r, LOG_TYPES);
  const severity = pick(r, SEVERITIES);
  const action = pick(r, ACTIONS);
  const src = ipFor(Math.floor(r() * r() * 50_000));
  const site = `site-${String(Math.floor(r() * r() * 30)).padStart(2, "0")}`;
  const message = pick(r, MESSAGES);
  const url = pick(r, URLS);
  const srcPort = 1024 + Math.floor(r() * 60_000);
  return {
    event_id: `0190${(i >>> 0).toString(16).padStart(4, "0").slice(-4)}-${(timestamp % 65536).toString(16).padStart(4, "0")}-7${(i % 4096).toString(16).padStart(3, "0")}-8000-${i.toString(16).padStart(12, "0")}`,
    timestamp,
    site,
    source_type: "sophos",
    sender: `10.${site.slice(5)}.0.1`,
    log_type: logType,
    category: logType === "WAF" ? "Web" : "Network",
    sub_category: logType === "WAF" ? "SQLi" : "Policy",
    severity,
    mitre_technique: severity === "info" ? "" : "T1190",
    src_ip: src,
    dst_ip: `192.168.${Math.floor(r() * 4)}.${Math.floor(r() * 250) + 1}`,
    src_port: srcPort,
    dst_port: pick(r, [22, 80, 443, 3389, 8080]),
    protocol: pick(r, ["TCP", "UDP", "ICMP"]),
    action,
    rule_id: String(940000 + Math.floor(r() * 3000)),
    rule_name: `Rule ${Math.floor(r() * 200)}`,
    hostname: `fw-${site}`,
    user_name: r() < 0.1 ? `user${Math.floor(r() * 500)}` : "",
    url,
    http_method: logType === "WAF" ? "GET" : "",
    http_status: logType === "WAF" ? 403 : 0,
    user_agent: logType === "WAF" ? "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36" : "",
    geo_country: pick(r, COUNTRIES),
    geo_city: "",
    geo_asn: Math.floor(r() * 60_000),
    geo_org: "Example Networks",
    geo_lat: 48.85,
    geo_lon: 2.35,
    message,
    reason: "",
    raw_log: `device="SFW" date=2026-01-01 time=10:00:00 timezone="UTC" device_name="XGS2100" device_id="X21000ABCDEF" log_id="0${i % 100000000}" log_type="${logType}" log_component="Firewall Rule" log_subtype="Denied" status="Deny" priority="${severity}" src_ip="${src}" src_port=${srcPort} dst_ip="192.168.1.10" protocol="TCP" url="${url}" message="${message}"`,
    modsec_rule_ids: logType === "WAF" ? ["942100", "949110"] : [],
    modsec_messages:
      logType === "WAF" ? ["SQL Injection Attack Detected", "Inbound Anomaly Score Exceeded"] : [],
    unique_id: logType === "WAF" ? `ZfRk${i.toString(36)}` : "",
    sophos_id: "075000617",
    device_serial: "X21000ABCDEF",
    parse_error: "",
    event_type: "",
    metadata: {},
  };
}
