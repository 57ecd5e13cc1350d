import { type Kysely, sql } from "kysely";

/** Notification channels (email, Slack, webhook) and the outcome of each delivery to them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("notification_channels")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('email', 'slack', 'webhook')`))
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("config", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // alert_id has no foreign key: alerts may come from rules, scenarios or the system, and a
  // delivery record should outlive an alert purged by retention.
  await db.schema
    .createTable("notification_deliveries")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("channel_id", "uuid", (c) =>
      c.notNull().references("notification_channels.id").onDelete("cascade"),
    )
    .addColumn("alert_id", "text", (c) => c.notNull())
    .addColumn("ok", "boolean", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("notification_deliveries_channel_idx")
    .on("notification_deliveries")
    .columns(["channel_id", "created_at desc"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("notification_deliveries").ifExists().execute();
  await db.schema.dropTable("notification_channels").ifExists().execute();
}
