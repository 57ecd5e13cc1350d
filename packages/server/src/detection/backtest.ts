import { EVENT_SELECT, num, rowToEvent } from "../events/event-json.js";
import { pickBucketSeconds } from "../events/timeline-buckets.js";
import type { Event } from "../ingest/event.js";
import type { EventStore } from "../storage/event-store.js";
import { createDetectionEngine } from "./engine.js";
import { compileFilter } from "./filter.js";
import type { Detection, Scenario } from "./types.js";

/**
 * Runs one scenario over stored events in [from, to) through a fresh engine on event time, acting on
 * nothing: what it would have banned or alerted. Events are read in time order, in pages, with the time
 * range and cursor as server-side parameters. Bounded: at most `maxEvents` (default 2M) are scanned, and
 * the reply says when the cap cut the range short.
 */
export interface BacktestResult {
  scanned: number;
  /** Events the scenario's filter matched. */
  matched: number;
  /** True when `maxEvents` stopped the scan before `to`. */
  capped: boolean;
  /** Time (ISO) the scan reached when capped, else `to`. */
  scanned_until: string;
  detections: Detection[];
  bucket_seconds: number;
  buckets: { t: string; events: number; detections: number }[];
  would_ban: string[];
  would_alert: string[];
}

export interface BacktestOptions {
  store: EventStore;
  scenario: Scenario;
  from: number;
  to: number;
  maxEvents?: number;
  pageSize?: number;
  /** Only this site's events (a site-scoped caller). */
  site?: string;
}

export const BACKTEST_MAX_EVENTS = 2_000_000;
const MAX_DETECTIONS_RETURNED = 1000;

export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const maxEvents = o.maxEvents ?? BACKTEST_MAX_EVENTS;
  const pageSize = o.pageSize ?? 20_000;
  const scenario = { ...o.scenario, enabled: true };
  const match = compileFilter(scenario.detection.filter);
  const bucketS = pickBucketSeconds(o.from, o.to);
  const firstBucket = Math.floor(o.from / 1000 / bucketS);
  const nBuckets = Math.max(1, Math.ceil(o.to / 1000 / bucketS) - firstBucket);
  const events = new Array<number>(nBuckets).fill(0);
  const fires = new Array<number>(nBuckets).fill(0);
  const bucketOf = (t: number) =>
    Math.min(nBuckets - 1, Math.max(0, Math.floor(t / 1000 / bucketS) - firstBucket));

  const detections: Detection[] = [];
  const wouldBan = new Set<string>();
  const wouldAlert = new Set<string>();
  const engine = createDetectionEngine({
    scenarios: [scenario],
    maxSkewMs: null,
    onDetection: (d) => {
      if (detections.length < MAX_DETECTIONS_RETURNED) detections.push(d);
      (d.action === "ban" ? wouldBan : wouldAlert).add(d.value);
      const b = fires[bucketOf(d.last_seen)];
      fires[bucketOf(d.last_seen)] = (b ?? 0) + 1;
    },
  });

  // raw_log is the largest column: read it only when the filter looks at it.
  const select = JSON.stringify(scenario.detection.filter).includes('"raw_log"')
    ? EVENT_SELECT
    : EVENT_SELECT.replace(/(^|, )raw_log(?=,)/, "$1'' AS raw_log");
  let scanned = 0;
  let matched = 0;
  let capped = false;
  let cursor: { ts: number; id: string } | null = null;
  let reached = o.to;
  for (;;) {
    const limit = Math.min(pageSize, maxEvents - scanned);
    if (limit <= 0) {
      capped = true;
      break;
    }
    const params: Record<string, string | number> = { from_ms: o.from, to_ms: o.to, limit };
    let sql =
      `SELECT ${select} FROM events WHERE timestamp >= fromUnixTimestamp64Milli({from_ms:Int64})` +
      " AND timestamp < fromUnixTimestamp64Milli({to_ms:Int64})";
    if (o.site !== undefined) {
      sql += " AND site = {site:String}";
      params.site = o.site;
    }
    if (cursor) {
      sql +=
        " AND timestamp >= fromUnixTimestamp64Milli({c_ms:Int64})" +
        " AND (timestamp, event_id) > (fromUnixTimestamp64Milli({c_ms:Int64}), toUUID({c_id:String}))";
      params.c_ms = cursor.ts;
      params.c_id = cursor.id;
    }
    sql += " ORDER BY timestamp, event_id LIMIT {limit:UInt32}";
    const rows = await o.store.query(sql, params);
    const batch: Event[] = rows.map((row) => ({ ...rowToEvent(row), timestamp: num(row.ts_ms) }));
    for (const e of batch) {
      if (match(e)) {
        matched++;
        const i = bucketOf(e.timestamp);
        events[i] = (events[i] ?? 0) + 1;
      }
    }
    engine.process(batch);
    scanned += batch.length;
    const last = batch.at(-1);
    if (!last || batch.length < limit) break;
    cursor = { ts: last.timestamp, id: last.event_id };
    reached = last.timestamp;
  }

  return {
    scanned,
    matched,
    capped,
    scanned_until: new Date(capped ? reached : o.to).toISOString(),
    detections,
    bucket_seconds: bucketS,
    buckets: events.map((n, i) => ({
      t: new Date((firstBucket + i) * bucketS * 1000).toISOString(),
      events: n,
      detections: fires[i] ?? 0,
    })),
    would_ban: [...wouldBan].sort(),
    would_alert: [...wouldAlert].sort(),
  };
}
