import { type Kysely, sql, type Transaction } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";
import { toBan } from "./response-rows.js";
import type { BanHistoryAction } from "./response-tables.js";
import type { Ban, BanSource, GeoZone } from "./types.js";

/**
 * The writes that change a ban, each with its history row and a new `version` from the sequence.
 * Callers run them inside one transaction per action.
 */
type Db = Kysely<StateDatabase> | Transaction<StateDatabase>;

export const nextVersion = sql<string>`nextval('bans_version_seq')`;

export interface BanWrite {
  ip: string;
  tier: number;
  /** null = permanent. */
  duration_ms: number | null;
  reason: string;
  source: BanSource;
  trigger_rule: string;
  site: string;
  /** Every site the ban applies to from now on; empty = global (see sitesAfter). */
  sites: string[];
  country: string;
  geo_zone: GeoZone;
  threat_score: number;
  /** The providers or feeds that voted (empty when the policy asked no score). */
  threat_sources?: string[];
  actor: string;
  action: BanHistoryAction;
}

/** The ban row, locked for the rest of the transaction. */
export async function lockBan(db: Db, ip: string): Promise<Ban | null> {
  const row = await db.selectFrom("bans").selectAll().where("ip", "=", ip).forUpdate().executeTakeFirst();
  return row ? toBan(row) : null;
}

/** Puts a ban in place (new or repeat), counting it toward recidivism. */
export async function writeBan(db: Db, w: BanWrite, existing: Ban | null, now: Date): Promise<Ban> {
  const expires_at = w.duration_ms === null ? null : new Date(now.getTime() + w.duration_ms);
  const status = w.duration_ms === null ? "permanent" : "active";
  const common = {
    status,
    current_tier: w.tier,
    last_ban: now,
    expires_at,
    reason: w.reason,
    source: w.source,
    trigger_rule: w.trigger_rule,
    site: w.site,
    sites: w.sites,
    country: w.country,
    geo_zone: w.geo_zone,
    threat_score_at_ban: w.threat_score,
    threat_sources: w.threat_sources ?? [],
    immune_until: null,
    created_by: w.actor,
    updated_at: now,
  } as const;
  // A row that only ever held a pending approval has no real first ban yet.
  const firstBan = existing && existing.ban_count > 0 ? existing.first_ban : now;
  const row = existing
    ? await db
        .updateTable("bans")
        .set({ ...common, ban_count: existing.ban_count + 1, first_ban: firstBan, version: nextVersion })
        .where("ip", "=", w.ip)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await db
        .insertInto("bans")
        .values({ ...common, ip: w.ip, ban_count: 1, first_ban: now })
        .returningAll()
        .executeTakeFirstOrThrow();
  await addHistory(db, {
    ip: w.ip,
    action: w.action,
    status,
    tier: w.tier,
    duration_ms: w.duration_ms,
    reason: w.reason,
    actor: w.actor,
    source: w.source,
    site: w.site,
    threat_score: w.threat_score,
    threat_sources: w.threat_sources ?? [],
    at: now,
  });
  return toBan(row);
}

/**
 * The sites a ban applies to after a ban on `site` (null: a global ban). A ban in force keeps its
 * sites and gains the new one; a global ban in force stays global; otherwise it starts afresh.
 */
export function sitesAfter(existing: Ban | null, inForce: boolean, site: string | null): string[] {
  if (site === null || site === "") return [];
  if (!existing || !inForce) return [site];
  if (existing.sites.length === 0) return [];
  return existing.sites.includes(site) ? existing.sites : [...existing.sites, site];
}

/** A detection on another site hit an IP already banned: the ban now applies there too. */
export async function addBanSite(db: Db, ban: Ban, site: string, actor: string, now: Date): Promise<Ban> {
  const row = await db
    .updateTable("bans")
    .set({ sites: [...ban.sites, site], updated_at: now, version: nextVersion })
    .where("ip", "=", ban.ip)
    .returningAll()
    .executeTakeFirstOrThrow();
  await addHistory(db, {
    ip: ban.ip,
    action: "ban",
    status: ban.status,
    tier: ban.current_tier,
    duration_ms: null,
    reason: `also detected on site ${site}`,
    actor,
    source: ban.source,
    site,
    at: now,
  });
  return toBan(row);
}

export async function addHistory(
  db: Db,
  h: {
    ip: string;
    action: BanHistoryAction;
    status: string;
    tier: number;
    duration_ms: number | null;
    reason: string;
    actor: string;
    source: string;
    site?: string;
    threat_score?: number | null;
    threat_sources?: string[];
    at: Date;
  },
): Promise<void> {
  await db.insertInto("ban_history").values(h).execute();
}

/** Lifts a ban (unban or expiry): status expired, optional immunity. */
export async function liftBan(
  db: Db,
  ban: Ban,
  opts: { action: "unban" | "expire"; actor: string; reason: string; immune_until: Date | null; now: Date },
): Promise<Ban> {
  const row = await db
    .updateTable("bans")
    .set({
      status: "expired",
      // Keep the planned expiry when the worker lifts it on time; an early unban ends it now.
      expires_at: opts.action === "expire" && ban.expires_at ? ban.expires_at : opts.now,
      immune_until: opts.immune_until,
      updated_at: opts.now,
      version: nextVersion,
    })
    .where("ip", "=", ban.ip)
    .returningAll()
    .executeTakeFirstOrThrow();
  await addHistory(db, {
    ip: ban.ip,
    action: opts.action,
    status: "expired",
    tier: ban.current_tier,
    duration_ms: null,
    reason: opts.reason,
    actor: opts.actor,
    source: ban.source,
    at: opts.now,
  });
  return toBan(row);
}
