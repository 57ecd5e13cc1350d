import type { ColumnType, Generated } from "kysely";
import type { DefaultedTimestamp, NullableTimestamp, Timestamp } from "../auth/auth-tables.js";
import type { BanSource, BanStatus, GeoZone, GeoZoneConfig, PendingBan, WhitelistType } from "./types.js";

/**
 * Kysely table interfaces of the response feature (created by migration 0004-response).
 * bigint columns read back as text (PostgreSQL drivers keep their precision).
 */
type BigintColumn = ColumnType<string, string | number | bigint | undefined, string | number | bigint>;
type NullableBigint = ColumnType<string | null, string | number | null | undefined, string | number | null>;

export interface BansTable {
  /** Canonical text form of the IP (see `ip-address.ts`). */
  ip: string;
  status: BanStatus;
  ban_count: Generated<number>;
  current_tier: Generated<number>;
  first_ban: Timestamp;
  last_ban: Timestamp;
  /** null = permanent. */
  expires_at: NullableTimestamp;
  reason: Generated<string>;
  source: BanSource;
  trigger_rule: Generated<string>;
  site: Generated<string>;
  /** The sites the ban applies to (each detection's site joins it); empty = global, every site. */
  sites: ColumnType<string[], string[] | undefined, string[]>;
  country: Generated<string>;
  geo_zone: ColumnType<GeoZone, GeoZone | undefined, GeoZone>;
  threat_score_at_ban: Generated<number>;
  /** The threat-intelligence providers (or blocklist feeds) whose verdict counted toward the ban. */
  threat_sources: ColumnType<string[], string[] | undefined, string[]>;
  immune_until: NullableTimestamp;
  created_by: Generated<string>;
  updated_at: DefaultedTimestamp;
  /**
   * From `bans_version_seq`, bumped on every change (writers set `version = nextval(...)`):
   * "all changes after version N" is how the bouncer stream and enforcement catch up.
   */
  version: BigintColumn;
}

export type BanHistoryAction = "ban" | "unban" | "escalate" | "expire" | "approve" | "reject" | "pending";

export interface BanHistoryTable {
  id: Generated<string>;
  ip: string;
  at: DefaultedTimestamp;
  action: BanHistoryAction;
  status: string;
  tier: Generated<number>;
  duration_ms: NullableBigint;
  reason: Generated<string>;
  actor: Generated<string>;
  source: Generated<string>;
  /** The site whose detection or analyst made this change; "" for global or system changes. */
  site: Generated<string>;
  /** The threat score and voting sources behind this change, when a score was asked for. */
  threat_score: ColumnType<number | null, number | null | undefined, number | null>;
  threat_sources: ColumnType<string[], string[] | undefined, string[]>;
}

export interface WhitelistTable {
  id: string;
  /** As entered (IP or CIDR), canonicalised. */
  ip: string;
  /** PostgreSQL `cidr`: `cidr >>= $ip::inet` finds the entries covering an IP. */
  cidr: string;
  type: WhitelistType;
  reason: Generated<string>;
  description: Generated<string>;
  score_modifier: Generated<number>;
  alert_only: Generated<boolean>;
  expires_at: NullableTimestamp;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  is_active: Generated<boolean>;
  created_by: Generated<string>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface PendingBansTable {
  id: string;
  ip: string;
  country: Generated<string>;
  geo_zone: ColumnType<GeoZone, GeoZone | undefined, GeoZone>;
  threat_score: Generated<number>;
  threat_sources: ColumnType<string[], string[] | undefined, string[]>;
  event_count: Generated<number>;
  first_event: Timestamp;
  last_event: Timestamp;
  trigger_rule: Generated<string>;
  reason: Generated<string>;
  status: ColumnType<PendingBan["status"], PendingBan["status"] | undefined, PendingBan["status"]>;
  pending_type: PendingBan["pending_type"];
  fp_rule_id: Generated<string>;
  fp_uri: Generated<string>;
  fp_hostname: Generated<string>;
  /** Site of the detection, carried to the ban on approval. */
  site: Generated<string>;
  /** The scenario's own duration (tier 0 only), carried to the ban on approval. */
  duration_ms: NullableBigint;
  created_at: DefaultedTimestamp;
  reviewed_by: string | null;
  reviewed_at: NullableTimestamp;
  review_note: string | null;
}

export interface GeozoneConfigTable {
  id: number;
  config: ColumnType<GeoZoneConfig, string, string>;
  updated_by: Generated<string>;
  updated_at: DefaultedTimestamp;
}

export interface GeoblockRulesTable {
  id: string;
  country: string;
  action: "block" | "allow";
  reason: Generated<string>;
  created_by: Generated<string>;
  created_at: DefaultedTimestamp;
}

export interface ResponseTables {
  bans: BansTable;
  ban_history: BanHistoryTable;
  whitelist: WhitelistTable;
  pending_bans: PendingBansTable;
  geozone_config: GeozoneConfigTable;
  geoblock_rules: GeoblockRulesTable;
}

declare module "../storage/state-schema.js" {
  interface StateDatabase extends ResponseTables {}
}
