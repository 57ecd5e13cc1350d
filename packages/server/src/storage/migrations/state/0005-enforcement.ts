import { type Kysely, sql } from "kysely";

/**
 * Enforcement targets (Sophos XGS firewalls, webhooks) with their sync status, and what each webhook
 * was last told per IP (so a webhook is reconciled like a firewall: it gets "ban" for IPs it has not
 * heard of, "unban" for IPs no longer banned, even after a restart or an outage).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("enforcement_targets")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('sophos_xgs', 'webhook')`))
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    // Secrets (password, webhook secret) inside are AES-256-GCM sealed, never plain text.
    .addColumn("config", "jsonb", (c) => c.notNull())
    .addColumn("state", "text", (c) =>
      c.notNull().defaultTo("never").check(sql`state in ('ok', 'failing', 'never')`),
    )
    .addColumn("last_sync", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("in_sync", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("pending", "integer", (c) => c.notNull().defaultTo(0))
    // A node syncing a target holds this lease, so two nodes never push to one firewall at once.
    .addColumn("lease_until", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("enforcement_delivered")
    .addColumn("target_id", "uuid", (c) =>
      c.notNull().references("enforcement_targets.id").onDelete("cascade"),
    )
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz")
    .addPrimaryKeyConstraint("enforcement_delivered_pk", ["target_id", "ip"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("enforcement_delivered").ifExists().execute();
  await db.schema.dropTable("enforcement_targets").ifExists().execute();
}
