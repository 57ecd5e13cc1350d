import type { ClickHouseMigration } from "./migration.js";

/**
 * Two columns for records sent in the SOC-30 shape (`seeds/soc-30-sites-architecture.md`):
 * `event_type` (what happened, e.g. "port_scan": low cardinality, filtered on by the explorer) and
 * `metadata` (the sender's own key/values, shown in the event drawer). Existing rows read the
 * defaults; nothing is rewritten, so adding them to a large table is instant.
 */
export const migration: ClickHouseMigration = {
  version: 5,
  name: "events_type_metadata",
  statements: [
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS event_type LowCardinality(String) DEFAULT '' AFTER sub_category",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS metadata Map(String, String) DEFAULT map() CODEC(ZSTD(1))",
  ],
};
