/**
 * Shapes of the "Detect and ban" API (bans, whitelist, geo, scenarios, enforcement, bouncers, feeds),
 * as the server's contracts in packages/server/src/response/types.ts and detection/types.ts define them.
 */
// The ban, whitelist and geo-zone shapes are the server's own contract types, not copies.
import type {
  Ban,
  BanStatus,
  GeoZone,
  GeoZoneConfig,
  PendingBan,
  WhitelistEntry,
  WhitelistType,
} from "../../../server/src/response/types.js";

export type { Ban, BanStatus, GeoZone, GeoZoneConfig, PendingBan, WhitelistEntry, WhitelistType };

export type BanAction = "ban" | "unban" | "escalate" | "expire" | "approve" | "reject" | "pending";

export interface BanHistoryEntry {
  id: string;
  at: string;
  action: BanAction;
  status: BanStatus;
  tier: number;
  duration_ms: number | null;
  reason: string;
  actor: string;
  source: string;
  /** The threat score behind the change and the providers or feeds that voted. */
  threat_score: number | null;
  threat_sources: string[];
}

export interface BanDetail {
  ban: Ban | null;
  history: BanHistoryEntry[];
}

/** GET /api/v1/bans/enforcement: whether bans reach any enforcement point. */
export interface EnforcementSummary {
  targets_enabled: number;
  targets_failing: number;
  bouncers: number;
  bouncers_live: number;
  /** false: no enabled target and no live bouncer; bans are recorded but enforced nowhere. */
  enforced: boolean;
}

export type IpSyncState = "synced" | "pending" | "failing" | "disabled";

/** GET /api/v1/bans/:ip/enforcement: where one ban is enforced. */
export interface BanEnforcement {
  ip: string;
  in_force: boolean;
  changed_at: string;
  targets: Array<{
    id: string;
    name: string;
    type: TargetType;
    state: IpSyncState;
    target_state: "ok" | "failing" | "never";
    last_sync: string | null;
    last_error: string | null;
  }>;
  bouncers: Array<{ id: string; name: string; last_pull: string | null; pulled_since_change: boolean }>;
}

/** The 409 of POST /api/v1/bans when the ban needs `confirm: true`. */
export interface BanRisk {
  kind: "private" | "loopback" | "link_local" | "source_network" | "whitelisted";
  detail: string;
}

export interface KeyCount {
  key: string;
  count: number;
}

export interface BanStats {
  active: number;
  permanent: number;
  pending: number;
  expired_24h: number;
  by_tier: Array<{ tier: number; count: number }>;
  by_country: KeyCount[];
}

export interface GeoBlockRule {
  id: string;
  country: string;
  action: "block" | "allow";
  reason: string;
}

export interface ScenarioItem {
  name: string;
  description: string;
  enabled: boolean;
  severity: string;
  labels: string[];
  origin: string;
  action_type: "ban" | "alert";
  threshold: number;
  window: string;
  group_by: string;
  distinct?: string;
  yaml: string;
  fired_24h: number;
  last_fired: string | null;
}

export interface ValidationError {
  field: string;
  message: string;
  line?: number | null;
}

export interface Detection {
  scenario: string;
  action: "ban" | "alert";
  severity: string;
  value: string;
  count: number;
  threshold: number;
  first_seen: number;
  last_seen: number;
  site: string;
  country: string;
}

export interface BacktestResult {
  scanned: number;
  detections: Detection[];
  buckets: Array<{ t: string; events: number; detections: number }>;
  would_ban: string[];
  would_alert: string[];
}

export type TargetType = "sophos_xgs" | "webhook";

export interface TargetStatus {
  state: "ok" | "failing" | "never";
  last_sync: string | null;
  last_error: string | null;
  in_sync: number;
  pending: number;
}

export interface EnforcementTarget {
  id: string;
  name: string;
  type: TargetType;
  enabled: boolean;
  config: Record<string, unknown>;
  /** Bound sites: the target receives their bans and global ones; empty = every ban. */
  sites: string[];
  status: TargetStatus;
}

export interface Bouncer {
  id: string;
  name: string;
  created_at: string;
  last_pull: string | null;
  ip_address: string | null;
  version: string | null;
  /** Bound sites: the bouncer receives their bans and global ones; empty = every ban. */
  sites: string[];
}

export interface Feed {
  id: string;
  name: string;
  url: string;
  format: "plain" | "crowdsec_json";
  enabled: boolean;
  refresh_minutes: number;
  sync_to_xgs: boolean;
  last_refresh: string | null;
  last_status: string | null;
  last_error: string | null;
  entries: number;
  countries: KeyCount[];
}

export interface FeedLookup {
  ip: string;
  feeds: string[];
  score: number;
}
