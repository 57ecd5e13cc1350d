import type { ClickHouseMigration } from "./migration.js";

/**
 * The retention (days) last applied to each table, so start-up runs `ALTER TABLE ... MODIFY TTL`
 * only when the configured value changed. ReplacingMergeTree keeps the newest row per table.
 */
export const migration: ClickHouseMigration = {
  version: 3,
  name: "retention_state",
  statements: [
    `CREATE TABLE IF NOT EXISTS retention_state (
  table_name String,
  days UInt32,
  applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY table_name`,
  ],
};
