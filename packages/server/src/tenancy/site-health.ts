import { type Kysely, sql } from "kysely";
import { createEventRepository } from "../events/event-repository.js";
import { parseEventFilter } from "../query/event-filter.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";

/** Event rate is measured over this window. */
const RATE_WINDOW_MS = 5 * 60_000;

export interface SiteHealth {
  events_per_second: number;
  last_event: string | null;
  silent_since: string | null;
  open_alerts: Array<{ key: string; count: number }>;
  active_bans: number;
  top_attackers: Array<{ ip: string; count: number; country: string }>;
  sources: Array<{ id: string; name: string; last_seen: string | null }>;
}

/** One site's health for the Sites page: traffic, silence, open alerts, bans and who attacks it. */
export async function siteHealth(
  db: Kysely<StateDatabase>,
  eventStore: EventStore,
  site: string,
  opts: { now: number; silentAfterMs: number },
): Promise<SiteHealth> {
  const events = createEventRepository(eventStore);
  const [recent, summary, alerts, bans, attackers, sources] = await Promise.all([
    events.stats({ ...parseEventFilter({}, opts.now), from: opts.now - RATE_WINDOW_MS, scopeSites: [site] }),
    events.sites([site]),
    db
      .selectFrom("alerts")
      .select(["severity", sql<number>`count(*)::int`.as("n")])
      .where("site", "=", site)
      .where("state", "not in", ["resolved", "false_positive"])
      .groupBy("severity")
      .execute(),
    db
      .selectFrom("bans")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("status", "in", ["active", "permanent"])
      .where(sql<boolean>`sites @> array[${site}]::text[]`)
      .executeTakeFirst(),
    events.top({ ...parseEventFilter({}, opts.now), scopeSites: [site] }, "attacker", 5),
    db
      .selectFrom("sources")
      .select(["id", "name", "match_value", "last_seen"])
      .where("site", "=", site)
      .orderBy("name")
      .execute(),
  ]);
  const last = summary[0]?.last_event ?? null;
  const silent = last !== null && opts.now - Date.parse(last) > opts.silentAfterMs ? last : null;
  return {
    events_per_second: Math.round((recent.total / (RATE_WINDOW_MS / 1000)) * 100) / 100,
    last_event: last,
    silent_since: silent,
    open_alerts: alerts.map((a) => ({ key: a.severity, count: Number(a.n) })),
    active_bans: Number(bans?.n ?? 0),
    top_attackers: attackers.map((a) => ({ ip: a.key, count: a.count, country: a.label ?? "" })),
    sources: sources.map((s) => ({
      id: s.id,
      name: s.name || s.match_value,
      last_seen: s.last_seen?.toISOString() ?? null,
    })),
  };
}
