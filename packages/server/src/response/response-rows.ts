import type { Selectable } from "kysely";
import type { BanHistoryTable, BansTable, PendingBansTable, WhitelistTable } from "./response-tables.js";
import type { Ban, PendingBan, WhitelistEntry } from "./types.js";

/** Rows of the response tables → the API shapes (ISO times, numbers). */
const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();
const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : iso(d));

export function toBan(row: Selectable<BansTable>): Ban {
  return {
    ip: row.ip,
    status: row.status,
    ban_count: row.ban_count,
    current_tier: row.current_tier,
    first_ban: iso(row.first_ban),
    last_ban: iso(row.last_ban),
    expires_at: isoOrNull(row.expires_at),
    reason: row.reason,
    source: row.source,
    trigger_rule: row.trigger_rule,
    site: row.site,
    sites: row.sites ?? [],
    country: row.country,
    geo_zone: row.geo_zone,
    threat_score_at_ban: row.threat_score_at_ban,
    threat_sources: row.threat_sources ?? [],
    immune_until: isoOrNull(row.immune_until),
    created_by: row.created_by,
  };
}

export function toPending(row: Selectable<PendingBansTable>): PendingBan {
  return {
    id: row.id,
    ip: row.ip,
    country: row.country,
    geo_zone: row.geo_zone,
    threat_score: row.threat_score,
    threat_sources: row.threat_sources,
    event_count: row.event_count,
    first_event: iso(row.first_event),
    last_event: iso(row.last_event),
    trigger_rule: row.trigger_rule,
    reason: row.reason,
    status: row.status,
    pending_type: row.pending_type,
    fp_rule_id: row.fp_rule_id,
    fp_uri: row.fp_uri,
    fp_hostname: row.fp_hostname,
    created_at: iso(row.created_at),
    reviewed_by: row.reviewed_by,
    reviewed_at: isoOrNull(row.reviewed_at),
  };
}

export function toWhitelist(row: Selectable<WhitelistTable>): WhitelistEntry {
  return {
    id: row.id,
    ip: row.ip,
    type: row.type,
    reason: row.reason,
    description: row.description,
    score_modifier: row.score_modifier,
    alert_only: row.alert_only,
    expires_at: isoOrNull(row.expires_at),
    tags: row.tags,
    is_active: row.is_active,
  };
}

export interface BanHistoryItem {
  id: number;
  at: string;
  action: BanHistoryTable["action"];
  status: string;
  tier: number;
  duration_ms: number | null;
  reason: string;
  actor: string;
  source: string;
  /** The site whose detection or analyst made the change; "" for global or system changes. */
  site: string;
  /** The threat score behind the change, when one was asked for, and the sources that voted. */
  threat_score: number | null;
  threat_sources: string[];
}

export function toHistory(row: Selectable<BanHistoryTable>): BanHistoryItem {
  return {
    id: Number(row.id),
    at: iso(row.at),
    action: row.action,
    status: row.status,
    tier: row.tier,
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    reason: row.reason,
    actor: row.actor,
    source: row.source,
    site: row.site,
    threat_score: row.threat_score ?? null,
    threat_sources: row.threat_sources ?? [],
  };
}
