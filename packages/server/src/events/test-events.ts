/**
 * Test and benchmark helper: realistic Event and ModSecRow values in the store's row format
 * (an Event serialises to an `events` row as is: ms timestamps insert into DateTime64 columns).
 */
import { uuidv7 } from "uuidv7";
import { type Event, type ModSecRow, SEVERITIES } from "../ingest/event.js";

export function makeEvent(overrides: Partial<Event> = {}): Event {
  return {
    event_id: uuidv7(),
    timestamp: Date.now(),
    site: "paris",
    source_type: "sophos",
    sender: "192.0.2.1",
    log_type: "Firewall",
    category: "Firewall",
    sub_category: "Denied",
    severity: "info",
    mitre_technique: "",
    src_ip: "203.0.113.10",
    dst_ip: "192.0.2.80",
    src_port: 51234,
    dst_port: 443,
    protocol: "TCP",
    action: "drop",
    rule_id: "5",
    rule_name: "Drop inbound",
    hostname: "fw-paris",
    user_name: "",
    url: "",
    http_method: "",
    http_status: 0,
    user_agent: "",
    geo_country: "CN",
    geo_city: "",
    geo_asn: 4134,
    geo_org: "Chinanet",
    geo_lat: 0,
    geo_lon: 0,
    message: "Packet dropped",
    reason: "",
    raw_log: 'device="SFW" log_type="Firewall" log_component="Firewall Rule" status="Deny"',
    modsec_rule_ids: [],
    modsec_messages: [],
    unique_id: "",
    sophos_id: "010101600001",
    device_serial: "X1000",
    parse_error: "",
    event_type: "",
    metadata: {},
    ...overrides,
  };
}

export function makeModSec(overrides: Partial<ModSecRow> = {}): ModSecRow {
  return {
    id: uuidv7(),
    timestamp: Date.now(),
    site: "paris",
    unique_id: "",
    src_ip: "203.0.113.10",
    src_port: 51234,
    hostname: "www.example.org",
    uri: "/",
    rule_id: "942100",
    rule_file: "REQUEST-942-APPLICATION-ATTACK-SQLI.conf",
    rule_msg: "SQL Injection Attack Detected via libinjection",
    rule_severity: "CRITICAL",
    rule_data: "",
    crs_version: "OWASP_CRS/3.3.4",
    paranoia_level: 1,
    attack_type: "sql",
    anomaly_score: 5,
    total_score: 5,
    is_blocking: false,
    tags: ["attack-sqli"],
    raw_log: "",
    ...overrides,
  };
}

export function toJsonEachRow(rows: readonly object[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n");
}

/** Small deterministic PRNG (mulberry32) so a data set and its expected counts are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SITES = ["paris", "lyon", "madrid"];
const LOG_TYPES = ["Firewall", "WAF", "IPS", "VPN", "ATP"];
const ACTIONS = ["allow", "drop", "reject", ""] as const;
const COUNTRIES = ["CN", "RU", "US", "FR", "DE", "BR", ""];
const SRC_IPS = [
  "203.0.113.10",
  "203.0.113.77",
  "198.51.100.5",
  "10.1.2.3",
  "10.200.0.9",
  "2001:db8::5",
  "2001:db8:1::9",
  "",
];
const DST_IPS = ["192.0.2.80", "192.0.2.25", "2001:db8:ff::1"];
const MESSAGES = [
  "Packet dropped",
  "SQL Injection Attack Detected via libinjection",
  "Cross-site scripting (XSS) attempt",
  "SSH brute force from known scanner",
  "VPN tunnel established",
];

/**
 * `count` varied events spread over `spanMs` before `endMs`, several sharing a millisecond so
 * pagination has ties to break.
 */
export function makeEventSet(count: number, endMs: number, spanMs: number, seed = 1): Event[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const events: Event[] = [];
  for (let i = 0; i < count; i++) {
    const ts = endMs - 1 - Math.floor(rand() * spanMs);
    const logType = pick(LOG_TYPES);
    const message = pick(MESSAGES);
    events.push(
      makeEvent({
        timestamp: i % 7 === 0 && i > 0 ? (events[i - 1] as Event).timestamp : ts,
        site: pick(SITES),
        log_type: logType,
        severity: pick(SEVERITIES),
        action: pick(ACTIONS),
        src_ip: pick(SRC_IPS),
        dst_ip: pick(DST_IPS),
        geo_country: pick(COUNTRIES),
        rule_id: String(1000 + Math.floor(rand() * 5)),
        rule_name: "Rule",
        hostname: logType === "WAF" ? pick(["www.example.org", "shop.example.org"]) : "fw-1",
        url: logType === "WAF" ? pick(["/login.php?id=1' OR '1'='1", "/index.html", "/wp-admin/"]) : "",
        user_agent: logType === "WAF" ? pick(["curl/8.0", "Mozilla/5.0", "sqlmap/1.7"]) : "",
        message,
        raw_log: `log_type="${logType}" message="${message}" n=${i}`,
        modsec_rule_ids: logType === "WAF" ? [pick(["942100", "941100", "930120"])] : [],
      }),
    );
  }
  return events;
}
