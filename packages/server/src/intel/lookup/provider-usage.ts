import { type Kysely, sql } from "kysely";
import type { StateDatabase } from "../../storage/state-schema.js";

/**
 * Per-provider calls per UTC day and back-off, in the state store so every node and every restart
 * counts against the same free quota. A call is reserved (counted) before it is made, atomically, so
 * concurrent lookups can never together go past the limit.
 */

/** The UTC day of `at` as YYYY-MM-DD: the free quotas reset at UTC midnight. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The next UTC midnight after `at`: when a spent daily quota comes back. */
export function nextUtcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

/** Counts one call for today; false (nothing counted) when `limit` calls were already made. */
export async function reserveCall(
  db: Kysely<StateDatabase>,
  provider: string,
  day: string,
  limit: number | null,
): Promise<boolean> {
  if (limit !== null && limit <= 0) return false;
  const row = await db
    .insertInto("threat_provider_usage")
    .values({ provider, day, used: 1 })
    .onConflict((oc) => {
      const update = oc
        .columns(["provider", "day"])
        .doUpdateSet({ used: sql<number>`threat_provider_usage.used + 1` });
      return limit === null ? update : update.where("threat_provider_usage.used", "<", limit);
    })
    .returning("used")
    .executeTakeFirst();
  return row !== undefined;
}

/** When the provider's back-off ends, if it is still backing off at `now`. */
export async function backoffUntil(
  db: Kysely<StateDatabase>,
  provider: string,
  now: Date,
): Promise<Date | null> {
  const row = await db
    .selectFrom("threat_provider_usage")
    .select((eb) => eb.fn.max("backoff_until").as("until"))
    .where("provider", "=", provider)
    .where("backoff_until", ">", now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : null;
}

async function touch(
  db: Kysely<StateDatabase>,
  provider: string,
  day: string,
  set: { backoff_until?: Date; last_error?: string; last_error_at?: Date },
): Promise<void> {
  await db
    .insertInto("threat_provider_usage")
    .values({ provider, day, used: 0, ...set })
    .onConflict((oc) => oc.columns(["provider", "day"]).doUpdateSet(set))
    .execute();
}

export function recordBackoff(
  db: Kysely<StateDatabase>,
  provider: string,
  now: Date,
  until: Date,
  detail: string,
): Promise<void> {
  return touch(db, provider, utcDay(now), { backoff_until: until, last_error: detail, last_error_at: now });
}

export function recordError(
  db: Kysely<StateDatabase>,
  provider: string,
  now: Date,
  detail: string,
): Promise<void> {
  return touch(db, provider, utcDay(now), { last_error: detail, last_error_at: now });
}

export interface ProviderUsage {
  used: number;
  backoff_until: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}

/** Today's count per provider, with the latest error and back-off seen on any day. */
export async function usageOn(db: Kysely<StateDatabase>, now: Date): Promise<Map<string, ProviderUsage>> {
  const rows = await db.selectFrom("threat_provider_usage").selectAll().orderBy("day", "asc").execute();
  const out = new Map<string, ProviderUsage>();
  const today = utcDay(now);
  for (const r of rows) {
    const u = out.get(r.provider) ?? { used: 0, backoff_until: null, last_error: null, last_error_at: null };
    if (r.day === today) u.used = r.used;
    if (r.backoff_until && r.backoff_until > now) u.backoff_until = r.backoff_until;
    if (r.last_error && (!u.last_error_at || (r.last_error_at && r.last_error_at >= u.last_error_at))) {
      u.last_error = r.last_error;
      u.last_error_at = r.last_error_at;
    }
    out.set(r.provider, u);
  }
  return out;
}
