import { type ClickHouseMigration, DEFAULT_RETENTION_DAYS } from "./migration.js";

/**
 * `modsec_logs`: one row per ModSecurity rule hit (ModSecRow in ingest/event.ts). The console opens
 * these from an event by `unique_id`, so the sorting key starts with it: a lookup reads one granule
 * per daily partition.
 */
export const migration: ClickHouseMigration = {
  version: 2,
  name: "modsec_logs",
  statements: [
    `CREATE TABLE IF NOT EXISTS modsec_logs (
  id UUID,
  timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
  site LowCardinality(String),
  unique_id String,
  src_ip String,
  src_port UInt16,
  hostname LowCardinality(String),
  uri String CODEC(ZSTD(1)),
  rule_id LowCardinality(String),
  rule_file LowCardinality(String),
  rule_msg String,
  rule_severity LowCardinality(String),
  rule_data String CODEC(ZSTD(1)),
  crs_version LowCardinality(String),
  paranoia_level UInt8,
  attack_type LowCardinality(String),
  anomaly_score UInt32 DEFAULT 0,
  total_score UInt32 DEFAULT 0,
  is_blocking UInt8 DEFAULT 0,
  tags Array(String),
  raw_log String CODEC(ZSTD(3)),
  ingested_at DateTime64(3, 'UTC') DEFAULT now64(3),

  INDEX idx_src_ip src_ip TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(timestamp)
ORDER BY (unique_id, timestamp, rule_id)
TTL toDateTime(ingested_at) + INTERVAL ${DEFAULT_RETENTION_DAYS} DAY DELETE
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
  ],
};
