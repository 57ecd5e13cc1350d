import { type Kysely, sql } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";
import { banInScope } from "./ban-queries.js";
import type { SyncState, TargetType } from "./enforcement/enforcement-tables.js";
import "./bouncer/bouncer-tables.js";
import "./enforcement/enforcement-tables.js";

/**
 * Where bans are enforced: whether any enforcement point exists at all (a ban recorded with none is
 * enforced nowhere, and the console says so), which IPs are banned now (for "banned" badges), and
 * for one IP, each target's sync state and each bouncer's last pull against the ban's last change.
 */

/** A bouncer counts as live when it pulled within this window (stock bouncers pull every 10 s). */
export const BOUNCER_LIVE_MS = 15 * 60_000;
/** Cap of the banned-IP list (the console keeps it in memory as a set). */
export const ACTIVE_IPS_LIMIT = 50_000;

export interface EnforcementSummary {
  targets_enabled: number;
  targets_failing: number;
  bouncers: number;
  bouncers_live: number;
  /** false: no enabled target and no live bouncer, so bans are recorded but enforced nowhere. */
  enforced: boolean;
}

export async function enforcementSummary(db: Kysely<StateDatabase>, now: Date): Promise<EnforcementSummary> {
  const [targets, bouncers] = await Promise.all([
    db.selectFrom("enforcement_targets").select(["enabled", "state"]).execute(),
    db.selectFrom("bouncers").select("last_pull").execute(),
  ]);
  const enabled = targets.filter((t) => t.enabled);
  const live = bouncers.filter((b) => b.last_pull && now.getTime() - b.last_pull.getTime() < BOUNCER_LIVE_MS);
  return {
    targets_enabled: enabled.length,
    targets_failing: enabled.filter((t) => t.state === "failing").length,
    bouncers: bouncers.length,
    bouncers_live: live.length,
    enforced: enabled.length + live.length > 0,
  };
}

const inForce = (now: Date) =>
  sql<boolean>`(status = 'permanent' or (status = 'active' and (expires_at is null or expires_at > ${now})))`;

/** The IPs banned now, newest first, up to `limit`. */
export async function activeBanIps(
  db: Kysely<StateDatabase>,
  now: Date,
  limit = ACTIVE_IPS_LIMIT,
  scopeSites?: readonly string[],
): Promise<{ ips: string[]; truncated: boolean }> {
  let q = db.selectFrom("bans").select("ip").where(inForce(now));
  if (scopeSites !== undefined) q = q.where(banInScope(scopeSites));
  const rows = await q
    .orderBy("last_ban", "desc")
    .limit(limit + 1)
    .execute();
  return { ips: rows.slice(0, limit).map((r) => r.ip), truncated: rows.length > limit };
}

/** One target's view of one IP: synced, still to be pushed, failing, or the target is off. */
export type IpSyncState = "synced" | "pending" | "failing" | "disabled";

export interface TargetForIp {
  id: string;
  name: string;
  type: TargetType;
  state: IpSyncState;
  target_state: SyncState;
  last_sync: string | null;
  last_error: string | null;
}

export interface BouncerForIp {
  id: string;
  name: string;
  last_pull: string | null;
  /** The bouncer pulled after the ban last changed, so it holds the change. */
  pulled_since_change: boolean;
}

export interface EnforcedOn {
  ip: string;
  in_force: boolean;
  /** When the ban last changed (banned, escalated, lifted): what each point must have seen. */
  changed_at: string;
  targets: TargetForIp[];
  bouncers: BouncerForIp[];
}

/**
 * A webhook records what it was told per IP, so its state is exact. A Sophos XGS is reconciled as a
 * whole: it holds the IP once a successful sync finished after the ban's last change.
 */
export async function enforcedOn(
  db: Kysely<StateDatabase>,
  ip: string,
  now: Date,
): Promise<EnforcedOn | null> {
  const ban = await db
    .selectFrom("bans")
    .select(["ip", "status", "expires_at", "updated_at"])
    .select(inForce(now).as("in_force"))
    .where("ip", "=", ip)
    .executeTakeFirst();
  if (!ban) return null;
  const [targets, delivered, bouncers] = await Promise.all([
    db
      .selectFrom("enforcement_targets")
      .select(["id", "name", "type", "enabled", "state", "last_sync", "last_error"])
      .orderBy("name")
      .execute(),
    db
      .selectFrom("enforcement_delivered")
      .select(["target_id", "status", "expires_at"])
      .where("ip", "=", ip)
      .execute(),
    db.selectFrom("bouncers").select(["id", "name", "last_pull"]).orderBy("name").execute(),
  ]);
  const changed = ban.updated_at;
  const told = new Map(delivered.map((d) => [d.target_id, d]));
  const expires = ban.expires_at?.toISOString() ?? null;
  return {
    ip,
    in_force: ban.in_force,
    changed_at: changed.toISOString(),
    targets: targets.map((t) => {
      let synced: boolean;
      if (t.type === "webhook") {
        const d = told.get(t.id);
        synced = ban.in_force
          ? d !== undefined && d.status === ban.status && (d.expires_at?.toISOString() ?? null) === expires
          : d === undefined;
      } else synced = t.state === "ok" && t.last_sync !== null && t.last_sync >= changed;
      const state: IpSyncState = !t.enabled
        ? "disabled"
        : synced
          ? "synced"
          : t.state === "failing"
            ? "failing"
            : "pending";
      return {
        id: t.id,
        name: t.name,
        type: t.type,
        state,
        target_state: t.state,
        last_sync: t.last_sync?.toISOString() ?? null,
        last_error: t.last_error,
      };
    }),
    bouncers: bouncers.map((b) => ({
      id: b.id,
      name: b.name,
      last_pull: b.last_pull?.toISOString() ?? null,
      pulled_since_change: b.last_pull !== null && b.last_pull >= changed,
    })),
  };
}
