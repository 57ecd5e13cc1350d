/**
 * Contracts of the response side (issue "Detect and ban"): bans with tiers, whitelist, geo-zones,
 * pending approvals, reputation. Follows the seed's data model (BanStatus, WhitelistEntry,
 * GeoZoneConfig, PendingBan) in PostgreSQL.
 */
export type BanStatus = "active" | "expired" | "permanent" | "conditional" | "pending_approval";
export type BanSource = "manual" | "detect2ban" | "threat_intel" | "blocklist";
export type GeoZone = "authorized" | "hostile" | "neutral";
export type WhitelistType = "hard" | "soft" | "monitor";

/** Tier durations, as the seed: 4 h, 24 h, 7 days, then permanent (tier 3+). */
export const TIER_DURATIONS_MS = [4 * 3600_000, 24 * 3600_000, 7 * 24 * 3600_000] as const;

export interface Ban {
  ip: string;
  status: BanStatus;
  ban_count: number;
  current_tier: number;
  first_ban: string; // ISO
  last_ban: string;
  expires_at: string | null; // null = permanent
  reason: string;
  source: BanSource;
  trigger_rule: string;
  site: string;
  /** Every site the ban applies to (firewalls bound to them enforce it); empty = global. */
  sites: string[];
  country: string;
  geo_zone: GeoZone;
  threat_score_at_ban: number;
  /** The providers or feeds whose verdict counted toward the ban (empty when no score was asked for). */
  threat_sources: string[];
  immune_until: string | null;
  created_by: string;
}

export interface WhitelistEntry {
  id: string;
  /** An IP or a CIDR range. */
  ip: string;
  type: WhitelistType;
  reason: string;
  description: string;
  /** soft: percentage the score is reduced by (0-100). */
  score_modifier: number;
  /** soft: a ban becomes an alert. */
  alert_only: boolean;
  expires_at: string | null;
  tags: string[];
  is_active: boolean;
}

export interface GeoZoneConfig {
  enabled: boolean;
  authorized_countries: string[];
  hostile_countries: string[];
  default_policy: GeoZone;
  /** Threshold multiplier context from the seed: events before ban in a hostile zone (default 1). */
  waf_threshold_hzone: number;
  /** Events before ban in authorized/neutral zones (default 3). */
  waf_threshold_zone: number;
  /** Reputation score (0-100) needed to ban from an authorized country without approval (default 50). */
  threat_score_threshold: number;
}

export interface PendingBan {
  id: string;
  ip: string;
  country: string;
  geo_zone: GeoZone;
  threat_score: number;
  threat_sources: string[];
  event_count: number;
  first_event: string;
  last_event: string;
  trigger_rule: string;
  reason: string;
  status: "pending" | "approved" | "rejected" | "expired";
  /** unverified_sender: the detection's events came from a sender that is neither registered nor authenticated. */
  pending_type: "country_policy" | "false_positive" | "unverified_sender";
  fp_rule_id: string;
  fp_uri: string;
  fp_hostname: string;
  created_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

/** An IP's reputation as the ban policy sees it. */
export interface Reputation {
  /** 0-100. */
  score: number;
  /** The providers or feeds whose verdict counted. */
  sources: string[];
  /** Said in the ban's reason, e.g. that threat intelligence was unavailable and feeds stood in. */
  note?: string;
}

/**
 * A reputation source for the ban policy: blocklist feed membership alone, or threat intelligence
 * over it (intel/threat-reputation.ts). `deep` asks for a provider lookup, which spends quota and
 * takes time; without it the source answers from memory (feeds) or its cache.
 */
export interface ReputationProvider {
  /** Never throws: an unknown IP scores 0. */
  score(ip: string, opts?: { deep?: boolean }): Promise<Reputation>;
}
