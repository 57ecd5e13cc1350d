import { type Kysely, sql } from "kysely";
import { isUuid } from "../events/event-cursor.js";
import { EVENT_LIST_SELECT, rowToEvent } from "../events/event-json.js";
import type { EventStore } from "../storage/event-store.js";
import type { StateDatabase } from "../storage/state-schema.js";
import { actionFromRow, alertFromRow } from "./alert-rows.js";
import { triageFor } from "./triage/triage-repo.js";
import {
  ALERT_STATES,
  type Alert,
  type AlertDetail,
  type AlertSource,
  type AlertState,
  type AlertStats,
  OPEN_STATES,
  SEVERITIES,
  type Severity,
} from "./types.js";

/** Read side of alerts: the filtered, cursor-paged list, one alert with its history and events, stats. */
export interface AlertListQuery {
  state?: AlertState[] | undefined;
  severity?: Severity[] | undefined;
  site?: string | undefined;
  rule?: string | undefined;
  assignee?: string | undefined;
  source?: AlertSource | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  q?: string | undefined;
  limit: number;
  /** The caller's sites (a client's user or key); undefined: every site. */
  scopeSites?: readonly string[] | undefined;
}

export interface AlertCursor {
  createdAt: string;
  id: string;
}

/** Opaque to clients: the last row's (created_at, id). */
function encodeCursor(alert: Alert): string {
  return Buffer.from(JSON.stringify([alert.created_at, alert.id])).toString("base64url");
}

export function decodeAlertCursor(text: string): AlertCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === "string" &&
      typeof v[1] === "string" &&
      !Number.isNaN(Date.parse(v[0])) &&
      isUuid(v[1])
    ) {
      return { createdAt: v[0], id: v[1] };
    }
  } catch {
    // not one of ours
  }
  return null;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listAlerts(
  db: Kysely<StateDatabase>,
  query: AlertListQuery,
  after: AlertCursor | null,
): Promise<{ items: Alert[]; next_cursor: string | null }> {
  let q = db.selectFrom("alerts").selectAll();
  if (query.state?.length) q = q.where("state", "in", query.state);
  if (query.severity?.length) q = q.where("severity", "in", query.severity);
  if (query.scopeSites !== undefined) {
    if (query.scopeSites.length === 0) return { items: [], next_cursor: null };
    q = q.where("site", "in", [...query.scopeSites]);
  }
  if (query.site) q = q.where("site", "=", query.site);
  if (query.rule) q = q.where("rule_name", "=", query.rule);
  if (query.assignee) q = q.where("assigned_to", "=", query.assignee);
  if (query.source) q = q.where("source", "=", query.source);
  if (query.from) q = q.where("created_at", ">=", query.from);
  if (query.to) q = q.where("created_at", "<", query.to);
  if (query.q) {
    const like = `%${escapeLike(query.q)}%`;
    q = q.where((eb) => eb.or([eb("title", "ilike", like), eb("group_value", "ilike", like)]));
  }
  if (after) {
    q = q.where(
      sql<boolean>`(created_at, id) < (${new Date(after.createdAt)}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const rows = await q
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(query.limit + 1)
    .execute();
  const items = rows.slice(0, query.limit).map(alertFromRow);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

export async function getAlert(db: Kysely<StateDatabase>, id: string): Promise<Alert | null> {
  if (!isUuid(id)) return null;
  const row = await db.selectFrom("alerts").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? alertFromRow(row) : null;
}

/**
 * One alert with its timeline and its triggering events, read from the event store by id (the
 * ids travel as one Array(UUID) parameter; the store's bloom index on event_id finds them).
 */
export async function alertDetail(
  db: Kysely<StateDatabase>,
  eventStore: EventStore,
  id: string,
  scopeSites?: readonly string[],
): Promise<AlertDetail | null> {
  const alert = await getAlert(db, id);
  if (!alert || (scopeSites !== undefined && !scopeSites.includes(alert.site))) return null;
  const actions = await db
    .selectFrom("alert_actions")
    .selectAll()
    .where("alert_id", "=", id)
    .orderBy("id", "asc")
    .execute();
  const ids = alert.event_ids.filter(isUuid);
  let events: Record<string, unknown>[] = [];
  if (ids.length > 0) {
    const rows = await eventStore.query(
      `SELECT ${EVENT_LIST_SELECT} FROM events WHERE event_id IN {ids:Array(UUID)}
       ORDER BY timestamp, event_id LIMIT {n:UInt32}`,
      { ids, n: ids.length },
    );
    const found = rows.map(rowToEvent);
    // The same triage the events explorer shows, so the alert page can say which events are handled.
    const triage = await triageFor(
      db,
      found.map((e) => e.event_id),
    );
    events = found.map((e) => ({ ...e, triage: triage.get(e.event_id) ?? null }));
  }
  return { ...alert, history: actions.map(actionFromRow), events };
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export async function alertStats(
  db: Kysely<StateDatabase>,
  now: Date,
  scopeSites?: readonly string[],
): Promise<AlertStats> {
  const count = sql<string>`count(*)`;
  const day = new Date(now.getTime() - 24 * 3600_000);
  const week = new Date(now.getTime() - 7 * 24 * 3600_000);
  const base = () => {
    const q = db.selectFrom("alerts");
    // `in ('')` for a client with no sites yet: a site name is never empty, so nothing matches.
    return scopeSites === undefined
      ? q
      : q.where("site", "in", scopeSites.length > 0 ? [...scopeSites] : [""]);
  };
  const [states, severities, last24h, top, median] = await Promise.all([
    base()
      .select(["state", count.as("n")])
      .groupBy("state")
      .execute(),
    base()
      .select(["severity", count.as("n")])
      .where("state", "in", OPEN_STATES)
      .groupBy("severity")
      .execute(),
    base().select(count.as("n")).where("created_at", ">=", day).executeTakeFirst(),
    base()
      .select(["rule_name", count.as("n")])
      .where("created_at", ">=", day)
      .groupBy("rule_name")
      .orderBy(sql`count(*)`, "desc")
      .orderBy("rule_name")
      .limit(10)
      .execute(),
    base()
      .select(
        sql<
          number | string | null
        >`percentile_cont(0.5) within group (order by extract(epoch from acknowledged_at - created_at))`.as(
          "m",
        ),
      )
      .where("acknowledged_at", ">=", week)
      .executeTakeFirst(),
  ]);
  const by_state = zeros(ALERT_STATES);
  for (const r of states) by_state[r.state] = Number(r.n);
  const by_severity = zeros(SEVERITIES);
  for (const r of severities) by_severity[r.severity] = Number(r.n);
  const m = median?.m;
  return {
    open: OPEN_STATES.reduce((sum, s) => sum + by_state[s], 0),
    by_state,
    by_severity,
    last_24h: Number(last24h?.n ?? 0),
    top_rules: top.map((r) => ({ rule_name: r.rule_name, count: Number(r.n) })),
    median_ack_seconds: m === null || m === undefined ? null : Math.round(Number(m)),
  };
}
