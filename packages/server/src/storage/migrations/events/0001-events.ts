import { type ClickHouseMigration, DEFAULT_RETENTION_DAYS } from "./migration.js";

/**
 * The `events` table: one row per normalised Event (ingest/event.ts), column for column.
 *
 * - Times are DateTime64(3,'UTC'): an Event's `timestamp` (ms since epoch) inserts as a JSON number.
 * - IPs are String so IPv4 and IPv6 share a column; CIDR filters use `isIPAddressInRange`.
 * - ORDER BY starts with the hour so a time range (every console query has one) reads only its
 *   granules, then the low-cardinality columns the console filters and groups by, then the time.
 * - Retention counts from `ingested_at` (a replayed backfill of old logs is kept, not dropped on
 *   arrival); a part is one insert or a merge of neighbouring ones, so its rows expire together and
 *   `ttl_only_drop_parts` drops it whole.
 * - No token index on `message`: free-text search is a case-insensitive substring match over several
 *   columns, which a token index cannot serve, and it cost insert CPU.
 */
export const migration: ClickHouseMigration = {
  version: 1,
  name: "events",
  statements: [
    `CREATE TABLE IF NOT EXISTS events (
  event_id UUID,
  timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
  site LowCardinality(String),
  source_type LowCardinality(String),
  sender LowCardinality(String),

  log_type LowCardinality(String),
  category LowCardinality(String),
  sub_category LowCardinality(String),
  severity LowCardinality(String),
  mitre_technique LowCardinality(String) DEFAULT '',

  src_ip String,
  dst_ip String,
  src_port UInt16,
  dst_port UInt16,
  protocol LowCardinality(String),

  action LowCardinality(String),
  rule_id String,
  rule_name String,

  hostname LowCardinality(String),
  user_name String,
  url String CODEC(ZSTD(1)),
  http_method LowCardinality(String),
  http_status UInt16,
  user_agent String CODEC(ZSTD(1)),

  geo_country LowCardinality(String),
  geo_city String,
  geo_asn UInt32,
  geo_org String,
  geo_lat Float32,
  geo_lon Float32,

  message String CODEC(ZSTD(1)),
  reason String DEFAULT '',
  raw_log String CODEC(ZSTD(1)),

  modsec_rule_ids Array(String) DEFAULT [],
  modsec_messages Array(String) DEFAULT [],
  unique_id String,

  sophos_id String,
  device_serial LowCardinality(String),
  parse_error String DEFAULT '',
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),

  INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 1,
  INDEX idx_src_ip src_ip TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_dst_ip dst_ip TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_rule_id rule_id TYPE bloom_filter(0.01) GRANULARITY 1,
  INDEX idx_unique_id unique_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(timestamp)
ORDER BY (toStartOfHour(timestamp), site, log_type, severity, timestamp)
TTL toDateTime(ingested_at) + INTERVAL ${DEFAULT_RETENTION_DAYS} DAY DELETE
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
  ],
};
