import { type Kysely, sql } from "kysely";
import type { StateDatabase } from "../storage/state-schema.js";
import { type BanHistoryItem, toBan, toHistory, toPending } from "./response-rows.js";
import type { Ban, BanStatus, PendingBan } from "./types.js";

/** Read side of bans: filtered, cursor-paged lists, one IP with its history, stats, open approvals. */
export interface BanListQuery {
  status?: BanStatus[] | undefined;
  q?: string | undefined;
  site?: string | undefined;
  /** The caller's sites (a client's user); undefined: every ban. */
  scopeSites?: readonly string[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * A ban a client's user may see: one applying to at least one of their sites. Global bans (no
 * sites) and other clients' bans are the operator's business.
 */
export function banInScope(sites: readonly string[]) {
  return sql<boolean>`sites && ${[...sites]}::text[]`;
}

/** Cursor: the last row's (last_ban, ip), opaque to clients. */
function encodeCursor(lastBan: string, ip: string): string {
  return Buffer.from(JSON.stringify([lastBan, ip])).toString("base64url");
}

export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "string" &&
      typeof value[1] === "string"
    ) {
      if (Number.isNaN(Date.parse(value[0]))) return null;
      return [value[0], value[1]];
    }
  } catch {
    // fall through: not one of ours
  }
  return null;
}

export async function listBans(
  db: Kysely<StateDatabase>,
  query: BanListQuery,
  after: [string, string] | null,
): Promise<{ items: Ban[]; next_cursor: string | null }> {
  let q = db.selectFrom("bans").selectAll();
  if (query.status && query.status.length > 0) q = q.where("status", "in", query.status);
  if (query.site) q = q.where(sql<boolean>`sites @> ${[query.site]}::text[]`);
  if (query.scopeSites !== undefined) q = q.where(banInScope(query.scopeSites));
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb("ip", "like", `${query.q}%`),
        eb("reason", "ilike", like),
        eb("trigger_rule", "ilike", like),
        eb("country", "=", (query.q ?? "").toUpperCase()),
      ]),
    );
  }
  if (after) {
    const [lastBan, ip] = after;
    q = q.where(sql<boolean>`(last_ban, ip) < (${new Date(lastBan)}::timestamptz, ${ip})`);
  }
  const rows = await q
    .orderBy("last_ban", "desc")
    .orderBy("ip", "desc")
    .limit(query.limit + 1)
    .execute();
  const items = rows.slice(0, query.limit).map(toBan);
  const last = items.at(-1);
  return {
    items,
    next_cursor: rows.length > query.limit && last ? encodeCursor(last.last_ban, last.ip) : null,
  };
}

export async function banDetail(
  db: Kysely<StateDatabase>,
  ip: string,
): Promise<{ ban: Ban | null; history: BanHistoryItem[] } | null> {
  const [row, history] = await Promise.all([
    db.selectFrom("bans").selectAll().where("ip", "=", ip).executeTakeFirst(),
    db.selectFrom("ban_history").selectAll().where("ip", "=", ip).orderBy("id", "desc").limit(500).execute(),
  ]);
  if (!row && history.length === 0) return null;
  // A row that only ever held a pending approval is not a ban yet.
  const ban = row && (row.ban_count > 0 || row.status === "pending_approval") ? toBan(row) : null;
  return { ban, history: history.map(toHistory) };
}

export async function listPending(
  db: Kysely<StateDatabase>,
  scopeSites?: readonly string[],
): Promise<PendingBan[]> {
  if (scopeSites?.length === 0) return [];
  let q = db.selectFrom("pending_bans").selectAll();
  if (scopeSites !== undefined) q = q.where("site", "in", [...scopeSites]);
  const rows = await q.where("status", "=", "pending").orderBy("created_at", "desc").limit(1000).execute();
  return rows.map(toPending);
}

export interface BanStats {
  active: number;
  permanent: number;
  pending: number;
  expired_24h: number;
  by_tier: { tier: number; count: number }[];
  by_country: { key: string; count: number }[];
}

export async function banStats(
  db: Kysely<StateDatabase>,
  now: Date,
  scopeSites?: readonly string[],
): Promise<BanStats> {
  const scoped = scopeSites === undefined ? sql<boolean>`true` : banInScope(scopeSites);
  const inForce = sql<boolean>`(status = 'permanent' or (status = 'active' and (expires_at is null or expires_at > ${now}))) and ${scoped}`;
  const pendingScope =
    scopeSites === undefined
      ? sql<boolean>`true`
      : sql<boolean>`site = any(${[...scopeSites, ""]}::text[]) and site <> ''`;
  const historyScope =
    scopeSites === undefined
      ? sql<boolean>`true`
      : sql<boolean>`site = any(${[...scopeSites, ""]}::text[]) and site <> ''`;
  const count = sql<string>`count(*)`;
  const [statuses, pending, expired, tiers, countries] = await Promise.all([
    db
      .selectFrom("bans")
      .select(["status", count.as("n")])
      .where(inForce)
      .groupBy("status")
      .execute(),
    db
      .selectFrom("pending_bans")
      .select(count.as("n"))
      .where("status", "=", "pending")
      .where(pendingScope)
      .executeTakeFirst(),
    db
      .selectFrom("ban_history")
      .select(sql<string>`count(distinct ip)`.as("n"))
      .where("action", "in", ["expire", "unban"])
      .where(historyScope)
      .where("at", ">", new Date(now.getTime() - 24 * 3600_000))
      .executeTakeFirst(),
    db
      .selectFrom("bans")
      .select(["current_tier", count.as("n")])
      .where(inForce)
      .groupBy("current_tier")
      .orderBy("current_tier")
      .execute(),
    db
      .selectFrom("bans")
      .select(["country", count.as("n")])
      .where(inForce)
      .groupBy("country")
      .orderBy(count, "desc")
      .limit(50)
      .execute(),
  ]);
  const byStatus = (s: string) => Number(statuses.find((r) => r.status === s)?.n ?? 0);
  return {
    active: byStatus("active"),
    permanent: byStatus("permanent"),
    pending: Number(pending?.n ?? 0),
    expired_24h: Number(expired?.n ?? 0),
    by_tier: tiers.map((r) => ({ tier: r.current_tier, count: Number(r.n) })),
    by_country: countries.map((r) => ({ key: r.country || "??", count: Number(r.n) })),
  };
}
