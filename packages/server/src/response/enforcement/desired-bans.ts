import { type Kysely, sql } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";
import type { BansTable } from "../response-tables.js";
import type { Ban } from "../types.js";

/**
 * What every enforcement point should hold: each ban that is permanent, or active and not yet past
 * its expiry (the expiry sweep may lag a little; a firewall should not).
 */
type BanRow = { [K in keyof BansTable]: unknown } & { ip: string; status: string };

const iso = (v: unknown): string | null =>
  v instanceof Date ? v.toISOString() : v == null ? null : String(v);

export function banFromRow(r: BanRow): Ban {
  return {
    ip: r.ip,
    status: r.status as Ban["status"],
    ban_count: Number(r.ban_count),
    current_tier: Number(r.current_tier),
    first_ban: iso(r.first_ban) ?? "",
    last_ban: iso(r.last_ban) ?? "",
    expires_at: iso(r.expires_at),
    reason: String(r.reason ?? ""),
    source: r.source as Ban["source"],
    trigger_rule: String(r.trigger_rule ?? ""),
    site: String(r.site ?? ""),
    sites: Array.isArray(r.sites) ? r.sites.map(String) : [],
    country: String(r.country ?? ""),
    geo_zone: r.geo_zone as Ban["geo_zone"],
    threat_score_at_ban: Number(r.threat_score_at_ban),
    threat_sources: Array.isArray(r.threat_sources) ? r.threat_sources.map(String) : [],
    immune_until: iso(r.immune_until),
    created_by: String(r.created_by ?? ""),
  };
}

/**
 * `forSites`: an enforcement point bound to sites (an MSP client's firewall) holds the bans of those
 * sites and the global ones; unbound (empty or absent), it holds every ban.
 */
export async function loadDesiredBans(
  db: Kysely<StateDatabase>,
  forSites: readonly string[] = [],
): Promise<Ban[]> {
  let q = db.selectFrom("bans").selectAll();
  if (forSites.length > 0) {
    q = q.where(sql<boolean>`(sites = '{}' or sites && ${[...forSites]}::text[])`);
  }
  const rows = await q
    .where((eb) =>
      eb.or([
        eb("status", "=", "permanent"),
        eb.and([
          eb("status", "=", "active"),
          eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]),
        ]),
      ]),
    )
    .orderBy("ip")
    .execute();
  return rows.map((r) => banFromRow(r as BanRow));
}

/** The current row of each IP (for an "unban" message: its status now says expired). */
export async function loadBans(db: Kysely<StateDatabase>, ips: string[]): Promise<Map<string, Ban>> {
  if (ips.length === 0) return new Map();
  const rows = await db.selectFrom("bans").selectAll().where("ip", "in", ips).execute();
  return new Map(rows.map((r) => [r.ip, banFromRow(r as BanRow)]));
}

/** Cheap change detector: `bans.version` bumps on every write; the count catches deletions. */
export async function bansVersion(db: Kysely<StateDatabase>): Promise<string> {
  const r = await db
    .selectFrom("bans")
    .select((eb) => [eb.fn.max("version").as("v"), eb.fn.countAll().as("n")])
    .executeTakeFirst();
  return `${String(r?.v ?? "0")}/${String(r?.n ?? "0")}`;
}
