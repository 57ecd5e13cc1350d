import { type Kysely, sql } from "kysely";

/** Log senders (by IP, hostname or device serial) mapped to a site and a time zone. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sources")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("match_type", "text", (c) =>
      c.notNull().check(sql`match_type in ('ip', 'hostname', 'serial')`),
    )
    .addColumn("match_value", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("site", "text", (c) => c.notNull().defaultTo("default"))
    .addColumn("timezone", "text", (c) => c.notNull().defaultTo("UTC"))
    .addColumn("registered", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("first_seen", "timestamptz")
    .addColumn("last_seen", "timestamptz")
    .addColumn("event_count", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // match_value is stored lower-cased (IPs, hostnames and serials are case-insensitive).
  await db.schema
    .createIndex("sources_match_idx")
    .on("sources")
    .columns(["match_type", "match_value"])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("sources").ifExists().execute();
}
