import {
  chTime,
  compileEventConditions,
  compileEventFilter,
  type EventFilter,
  onlyProjectedConditions,
} from "../query/event-filter.js";
import { hasHourKey } from "../query/time-range.js";
import type { EventStore, QueryParams } from "../storage/event-store.js";
import { countryCentroid } from "./country-centroids.js";
import { decodeCursor, encodeCursor, isUuid } from "./event-cursor.js";
import {
  EVENT_LIST_SELECT,
  EVENT_SELECT,
  type EventJson,
  isoFromMs,
  MODSEC_SELECT,
  type ModSecJson,
  num,
  rowToEvent,
  rowToModSec,
} from "./event-json.js";
import { HOSTILE_SQL } from "./hostile-events.js";
import { fillTimeline, pickBucketSeconds, type TimelineBucket } from "./timeline-buckets.js";

/** `attacker`: source IPs ranked by their hostile events only (see hostile-events.ts), not all traffic. */
export const TOP_DIMENSIONS = [
  "src_ip",
  "country",
  "rule",
  "dst_ip",
  "hostname",
  "user_agent",
  "attacker",
] as const;
export type TopDimension = (typeof TOP_DIMENSIONS)[number];

/** Dimension → column. Only these fixed names ever reach the SQL text. */
const TOP_COLUMN: Record<TopDimension, string> = {
  src_ip: "src_ip",
  attacker: "src_ip",
  country: "geo_country",
  rule: "rule_id",
  dst_ip: "dst_ip",
  hostname: "hostname",
  user_agent: "user_agent",
};

export interface KeyCount {
  key: string;
  count: number;
}
export interface EventPage {
  items: EventJson[];
  next_cursor: string | null;
}
export interface EventStats {
  total: number;
  by_log_type: KeyCount[];
  by_severity: KeyCount[];
  by_action: KeyCount[];
  by_site: KeyCount[];
  unique_src_ips: number;
}
export interface Timeline {
  bucket_seconds: number;
  buckets: TimelineBucket[];
}
export interface TopItem extends KeyCount {
  label?: string;
}
export interface GeoItem {
  country: string;
  count: number;
  lat: number;
  lon: number;
}
export interface SiteSummary {
  site: string;
  event_count: number;
  /** The oldest stored event: the console fits its default range to a young install's data. */
  first_event: string;
  last_event: string;
}

const HOUR_MS = 3600_000;
const BREAKDOWN_KEYS = ["log_type", "severity", "action", "site"] as const;

/** ModSecurity rows of one request are written within seconds of its event; this bounds the lookup. */
const MODSEC_WINDOW_MS = 10 * 60_000;

/** The only code that reads events from the store. Every value reaches ClickHouse as a parameter. */
export function createEventRepository(store: EventStore) {
  const where = (filter: EventFilter) => compileEventFilter(filter);

  async function list(filter: EventFilter, limit: number, cursor: string | null): Promise<EventPage> {
    const { where: w, params } = where(filter);
    let sql = `SELECT ${EVENT_LIST_SELECT} FROM events WHERE ${w}`;
    const all: QueryParams = { ...params, p_limit: limit + 1 };
    if (cursor !== null) {
      const c = decodeCursor(cursor);
      // The plain bounds let the sorting key prune (see compileEventFilter); the tuple breaks ties on a ms.
      sql +=
        " AND timestamp <= {c_ts:DateTime64(3, 'UTC')}" +
        (hasHourKey(c.ts) && hasHourKey(filter.from)
          ? " AND toStartOfHour(timestamp) <= toStartOfHour({c_ts:DateTime64(3, 'UTC')})"
          : "") +
        " AND (timestamp, event_id) < ({c_ts:DateTime64(3, 'UTC')}, {c_id:UUID})";
      all.c_ts = chTime(c.ts);
      all.c_id = c.id;
    }
    sql += " ORDER BY timestamp DESC, event_id DESC LIMIT {p_limit:UInt32}";
    const rows = await store.query(sql, all);
    const items = rows.slice(0, limit).map(rowToEvent);
    const lastRow = rows[limit - 1];
    const next =
      rows.length > limit && lastRow
        ? encodeCursor({ ts: num(lastRow.ts_ms), id: String(lastRow.event_id) })
        : null;
    return { items, next_cursor: next };
  }

  /** One event and its ModSecurity rows, or null. `scopeSites` hides other sites' events. */
  async function get(
    id: string,
    scopeSites?: readonly string[],
  ): Promise<{ event: EventJson; modsec: ModSecJson[] } | null> {
    if (!isUuid(id)) return null;
    const params: QueryParams = { id };
    let sql = `SELECT ${EVENT_SELECT} FROM events WHERE event_id = {id:UUID}`;
    if (scopeSites !== undefined) {
      sql += " AND site IN {scope_sites:Array(String)}";
      params.scope_sites = scopeSites;
    }
    const [row] = await store.query(`${sql} LIMIT 1`, params);
    if (!row) return null;
    const event = rowToEvent(row);
    if (event.unique_id === "") return { event, modsec: [] };
    const ts = num(row.ts_ms);
    const modsecRows = await store.query(
      `SELECT ${MODSEC_SELECT} FROM modsec_logs
       WHERE unique_id = {uid:String} AND site = {site:String}
         AND timestamp BETWEEN {lo:DateTime64(3, 'UTC')} AND {hi:DateTime64(3, 'UTC')}
       ORDER BY timestamp, rule_id`,
      {
        uid: event.unique_id,
        site: event.site,
        lo: chTime(ts - MODSEC_WINDOW_MS),
        hi: chTime(ts + MODSEC_WINDOW_MS),
      },
    );
    return { event, modsec: modsecRows.map(rowToModSec) };
  }

  async function stats(filter: EventFilter): Promise<EventStats> {
    const { where: w, params } = where(filter);
    const [breakdowns, uniques] = await Promise.all([
      countBreakdowns(filter),
      // uniqCombined: exact up to thousands of values, ~0.5% error beyond; a third cheaper than uniq.
      // Most of its cost is reading src_ip, which no projection can spare for an arbitrary range.
      store.query<{ u: unknown }>(
        `SELECT uniqCombined(src_ip) AS u FROM events WHERE ${w} AND src_ip != ''`,
        params,
      ),
    ]);
    const sorted = (m: Map<string, number>): KeyCount[] =>
      [...m].map(([key, count]) => ({ key, count })).sort(byCountThenKey);
    const bySite = sorted(breakdowns.site);
    return {
      total: bySite.reduce((sum, r) => sum + r.count, 0),
      by_log_type: sorted(breakdowns.log_type),
      by_severity: sorted(breakdowns.severity),
      by_action: sorted(breakdowns.action),
      by_site: bySite,
      unique_src_ips: num(uniques[0]?.u),
    };
  }

  type Breakdowns = Record<(typeof BREAKDOWN_KEYS)[number], Map<string, number>>;

  /**
   * Counts by log_type, severity, action and site. When the filter uses only those columns, the whole
   * hours inside the range are read from the store's hourly `p_counts` projection (thousands of rows
   * instead of millions) and only the partial hours at the edges from the events themselves; the
   * projection is picked by ClickHouse only for a GROUP BY of its keys filtered on its keys.
   * Otherwise one scan with GROUPING SETS, about half the cost of grouping by the four together.
   */
  async function countBreakdowns(filter: EventFilter): Promise<Breakdowns> {
    const out: Breakdowns = { log_type: new Map(), severity: new Map(), action: new Map(), site: new Map() };
    const add = (key: keyof Breakdowns, value: string, count: number) =>
      out[key].set(value, (out[key].get(value) ?? 0) + count);
    const hourFrom = Math.ceil(filter.from / HOUR_MS) * HOUR_MS;
    const hourTo = Math.floor(filter.to / HOUR_MS) * HOUR_MS;
    // The hourly projection is keyed on the 32-bit toStartOfHour: only for ranges inside 1970-2106.
    if (onlyProjectedConditions(filter) && hourFrom < hourTo && hasHourKey(hourFrom) && hasHourKey(hourTo)) {
      const full = where(filter);
      const rest = compileEventConditions(filter);
      const group = "SELECT log_type, severity, action, site, count() AS c FROM events WHERE";
      const byAll = "GROUP BY log_type, severity, action, site";
      const rows = await store.query<{
        log_type: string;
        severity: string;
        action: string;
        site: string;
        c: unknown;
      }>(
        `${group} toStartOfHour(timestamp) >= {h_from:DateTime64(3, 'UTC')}
           AND toStartOfHour(timestamp) < {h_to:DateTime64(3, 'UTC')} AND ${rest.where} ${byAll}
         UNION ALL
         ${group} ${full.where} AND (toStartOfHour(timestamp) < {h_from:DateTime64(3, 'UTC')}
           OR toStartOfHour(timestamp) >= {h_to:DateTime64(3, 'UTC')}) ${byAll}`,
        { ...full.params, h_from: chTime(hourFrom), h_to: chTime(hourTo) },
      );
      for (const r of rows) for (const key of BREAKDOWN_KEYS) add(key, r[key], num(r.c));
      return out;
    }
    const { where: w, params } = where(filter);
    const rows = await store.query<{
      log_type: string;
      severity: string;
      action: string;
      site: string;
      g: unknown;
      c: unknown;
    }>(
      `SELECT log_type, severity, action, site, grouping(log_type, severity, action, site) AS g, count() AS c
       FROM events WHERE ${w} GROUP BY GROUPING SETS ((log_type), (severity), (action), (site))`,
      params,
    );
    // grouping() has a 1 bit for each argument NOT in the row's set (bit 3 = log_type … bit 0 = site).
    const MASK: Record<keyof Breakdowns, number> = {
      log_type: 0b0111,
      severity: 0b1011,
      action: 0b1101,
      site: 0b1110,
    };
    for (const r of rows)
      for (const key of BREAKDOWN_KEYS) if (num(r.g) === MASK[key]) add(key, r[key], num(r.c));
    return out;
  }

  async function timeline(filter: EventFilter): Promise<Timeline> {
    const bucketS = pickBucketSeconds(filter.from, filter.to);
    const { where: w, params } = where(filter);
    const rows = await store.query<{ bucket: unknown; severity: string; c: unknown }>(
      // Milliseconds as Int64 (toUnixTimestamp is 32-bit and unsigned), floored so buckets before 1970
      // are aligned the same way as fillTimeline's.
      `SELECT toInt64(floor(toUnixTimestamp64Milli(timestamp) / {p_bucket_ms:Int64})) AS bucket, severity, count() AS c
       FROM events WHERE ${w} GROUP BY bucket, severity`,
      { ...params, p_bucket_ms: bucketS * 1000 },
    );
    const counts = rows.map((r) => ({ bucket: num(r.bucket), severity: r.severity, count: num(r.c) }));
    return { bucket_seconds: bucketS, buckets: fillTimeline(filter.from, filter.to, bucketS, counts) };
  }

  async function top(filter: EventFilter, dim: TopDimension, limit: number): Promise<TopItem[]> {
    const column = TOP_COLUMN[dim];
    const { where: w, params } = where(filter);
    // A label says what the key is: the rule's name, or an attacker's country (ISO code).
    const label =
      dim === "rule"
        ? ", anyLast(rule_name) AS label"
        : dim === "src_ip" || dim === "attacker"
          ? ", anyLast(geo_country) AS label"
          : "";
    const hostile = dim === "attacker" ? ` AND ${HOSTILE_SQL}` : "";
    const rows = await store.query<{ key: string; c: unknown; label?: string }>(
      `SELECT ${column} AS key, count() AS c${label} FROM events WHERE ${w} AND ${column} != ''${hostile}
       GROUP BY key ORDER BY c DESC, key ASC LIMIT {p_limit:UInt32}`,
      { ...params, p_limit: limit },
    );
    return rows.map((r) => {
      const item: TopItem = { key: r.key, count: num(r.c) };
      const name = dim === "country" ? countryCentroid(r.key)?.name : r.label;
      if (name) item.label = name;
      return item;
    });
  }

  /** Counts per country placed on the country's centroid; codes the table does not know are left out. */
  async function geo(filter: EventFilter): Promise<GeoItem[]> {
    const { where: w, params } = where(filter);
    const rows = await store.query<{ country: string; c: unknown }>(
      `SELECT geo_country AS country, count() AS c FROM events WHERE ${w} AND geo_country != ''
       GROUP BY country ORDER BY c DESC, country ASC`,
      params,
    );
    return rows.flatMap((r) => {
      const centroid = countryCentroid(r.country);
      return centroid
        ? [{ country: centroid.code, count: num(r.c), lat: centroid.lat, lon: centroid.lon }]
        : [];
    });
  }

  /** Every site that has events, with its count and first and latest event times (all retained data). */
  async function sites(scopeSites?: readonly string[]): Promise<SiteSummary[]> {
    const scoped = scopeSites !== undefined;
    const rows = await store.query<{ site: string; c: unknown; first_ms: unknown; last_ms: unknown }>(
      `SELECT site, count() AS c, toUnixTimestamp64Milli(min(timestamp)) AS first_ms,
         toUnixTimestamp64Milli(max(timestamp)) AS last_ms FROM events
       ${scoped ? "WHERE site IN {scope_sites:Array(String)}" : ""} GROUP BY site ORDER BY site`,
      scoped ? { scope_sites: scopeSites } : {},
    );
    return rows.map((r) => ({
      site: r.site,
      event_count: num(r.c),
      first_event: isoFromMs(num(r.first_ms)),
      last_event: isoFromMs(num(r.last_ms)),
    }));
  }

  return { list, get, stats, timeline, top, geo, sites };
}

export type EventRepository = ReturnType<typeof createEventRepository>;

function byCountThenKey(a: KeyCount, b: KeyCount): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
