import type { Detection } from "../detection/types.js";
import type { Ban, GeoZoneConfig, WhitelistEntry } from "./types.js";

/** Small builders shared by the policy, service and route tests. */
export const T0 = Date.parse("2026-03-01T12:00:00Z");

export function detection(over: Partial<Detection> = {}): Detection {
  return {
    scenario: "waf-attacks",
    action: "ban",
    severity: "high",
    labels: ["T1190"],
    group_by: "src_ip",
    value: "203.0.113.7",
    count: 10,
    threshold: 10,
    windowMs: 300_000,
    first_seen: T0 - 60_000,
    last_seen: T0,
    event_ids: [],
    site: "paris",
    country: "CN",
    rule_id: "942100",
    url: "/login.php",
    hostname: "www.example.com",
    validate_threat: false,
    trusted: true,
    channel: "udp",
    sender: "192.0.2.1",
    ...over,
  };
}

export function geo(over: Partial<GeoZoneConfig> = {}): GeoZoneConfig {
  return {
    enabled: true,
    authorized_countries: ["FR", "BE"],
    hostile_countries: ["KP"],
    default_policy: "neutral",
    waf_threshold_hzone: 1,
    waf_threshold_zone: 3,
    threat_score_threshold: 50,
    ...over,
  };
}

export function entry(over: Partial<WhitelistEntry> = {}): WhitelistEntry {
  return {
    id: "w1",
    ip: "203.0.113.0/24",
    type: "hard",
    reason: "partner",
    description: "",
    score_modifier: 0,
    alert_only: false,
    expires_at: null,
    tags: [],
    is_active: true,
    ...over,
  };
}

export function ban(over: Partial<Ban> = {}): Ban {
  return {
    ip: "203.0.113.7",
    status: "expired",
    ban_count: 1,
    current_tier: 0,
    first_ban: new Date(T0 - 86_400_000).toISOString(),
    last_ban: new Date(T0 - 86_400_000).toISOString(),
    expires_at: new Date(T0 - 72_000_000).toISOString(),
    reason: "",
    source: "detect2ban",
    trigger_rule: "waf-attacks",
    site: "paris",
    sites: ["paris"],
    country: "CN",
    geo_zone: "neutral",
    threat_score_at_ban: 0,
    threat_sources: [],
    immune_until: null,
    created_by: "detect2ban",
    ...over,
  };
}
