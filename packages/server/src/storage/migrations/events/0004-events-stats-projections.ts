import type { ClickHouseMigration } from "./migration.js";

/**
 * Pre-aggregated counts inside `events` itself, so dashboard statistics over millions of events read
 * thousands of rows. Projections live in each part: they expire with it (TTL), merge with it and need
 * no second table to keep in step. ClickHouse picks them automatically when a query groups by a subset
 * of their keys and filters only on those keys — so time ranges must be given by hour:
 *
 *   SELECT log_type, severity, action, site, count() FROM events
 *   WHERE toStartOfHour(timestamp) >= toStartOfHour({from:DateTime64(3)})
 *     AND toStartOfHour(timestamp) <= toStartOfHour({to:DateTime64(3)}) [AND site = ...]
 *   GROUP BY log_type, severity, action, site
 *
 * `p_src_ips` does the same for distinct source IPs per site and hour (absent "" IPs not counted),
 * and is used only by that exact expression, `uniqCombined(12)(nullIf(src_ip, ''))`, over whole
 * hours: exact for small sets, then HyperLogLog (about 0.5 % off at 55k IPs), and 2.5x cheaper to
 * merge than `uniq` states (100 vs 255 ms of CPU over 10M events, 7 days). (A `-State` query inside
 * a UNION, to add exact partial hours, is not served by it: measured with EXPLAIN.)
 */
export const migration: ClickHouseMigration = {
  version: 4,
  name: "events_stats_projections",
  statements: [
    `ALTER TABLE events ADD PROJECTION IF NOT EXISTS p_counts (
  SELECT toStartOfHour(timestamp), site, log_type, severity, action, count()
  GROUP BY toStartOfHour(timestamp), site, log_type, severity, action
)`,
    `ALTER TABLE events ADD PROJECTION IF NOT EXISTS p_src_ips (
  SELECT toStartOfHour(timestamp), site, uniqCombined(12)(nullIf(src_ip, ''))
  GROUP BY toStartOfHour(timestamp), site
)`,
    // Builds them for rows written before this migration (none on a fresh store).
    "ALTER TABLE events MATERIALIZE PROJECTION p_counts",
    "ALTER TABLE events MATERIALIZE PROJECTION p_src_ips",
  ],
};
