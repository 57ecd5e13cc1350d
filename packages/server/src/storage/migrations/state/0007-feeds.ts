import { type Kysely, sql } from "kysely";

/** Blocklist feeds ("Neural-Sync"): subscriptions and their entries (IP or CIDR, with country). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("blocklist_feeds")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("format", "text", (c) => c.notNull().check(sql`format in ('plain', 'crowdsec_json')`))
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("refresh_minutes", "integer", (c) =>
      c.notNull().defaultTo(60).check(sql`refresh_minutes >= 1`),
    )
    .addColumn("sync_to_xgs", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("etag", "text")
    .addColumn("last_modified", "text")
    .addColumn("last_refresh", "timestamptz")
    .addColumn("last_status", "text", (c) => c.notNull().defaultTo("never"))
    .addColumn("last_error", "text")
    .addColumn("entries", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("invalid_lines", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_refresh_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("entries_version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // No primary key on purpose: a refresh replaces a feed's whole set (delete + bulk insert), and
  // the parser already de-duplicates; the index serves that delete and the per-feed reload.
  await db.schema
    .createTable("blocklist_entries")
    .addColumn("feed_id", "uuid", (c) => c.notNull().references("blocklist_feeds.id").onDelete("cascade"))
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .createIndex("blocklist_entries_feed_idx")
    .on("blocklist_entries")
    .column("feed_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("blocklist_entries").ifExists().execute();
  await db.schema.dropTable("blocklist_feeds").ifExists().execute();
}
