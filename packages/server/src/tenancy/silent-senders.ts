import { type Kysely, sql } from "kysely";
import type { NewAlert } from "../alerts/types.js";
import type { StateDatabase } from "../storage/state-schema.js";

/**
 * Registered senders that went quiet: a firewall that stops logging is blind to attacks, and often
 * the first sign that a site lost its line. One system alert per sender, repeated at most hourly
 * while it stays silent (the alert's cooldown); the alert carries the site, so its client sees it.
 */
export async function silentSenderAlerts(
  db: Kysely<StateDatabase>,
  opts: { now: number; silentAfterMs: number },
): Promise<NewAlert[]> {
  const cutoff = new Date(opts.now - opts.silentAfterMs);
  const rows = await db
    .selectFrom("sources")
    .select(["id", "name", "match_value", "site", "last_seen", "created_at"])
    .where("registered", "=", true)
    .where(sql<boolean>`coalesce(last_seen, created_at) < ${cutoff}`)
    .execute();
  return rows.map((r) => {
    const since = r.last_seen ?? r.created_at;
    const who = r.name || r.match_value;
    const minutes = Math.round((opts.now - since.getTime()) / 60_000);
    return {
      source: "system",
      rule_name: "system:site_silent",
      title: `Site ${r.site}: ${who} has sent nothing for ${minutes} min`,
      severity: "high",
      site: r.site,
      group_by: "source",
      group_value: r.id,
      details: {
        source_id: r.id,
        sender: r.match_value,
        last_seen: r.last_seen?.toISOString() ?? null,
        silent_after_minutes: Math.round(opts.silentAfterMs / 60_000),
      },
      cooldownMs: 60 * 60_000,
    } satisfies NewAlert;
  });
}
