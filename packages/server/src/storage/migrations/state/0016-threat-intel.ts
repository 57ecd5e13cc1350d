import { type Kysely, sql } from "kysely";

/**
 * Threat intelligence: the cached lookup result per IP (served until it is older than the TTL, so it
 * survives restarts) and each provider's calls per UTC day, with its back-off after a quota answer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("ip_threat_scores")
    .addColumn("ip", "text", (c) => c.primaryKey())
    .addColumn("result", "jsonb", (c) => c.notNull())
    .addColumn("checked_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("threat_provider_usage")
    .addColumn("provider", "text", (c) => c.notNull())
    // The UTC day as YYYY-MM-DD: free quotas reset at UTC midnight.
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("used", "integer", (c) => c.notNull().defaultTo(0).check(sql`used >= 0`))
    .addColumn("backoff_until", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("last_error_at", "timestamptz")
    .addPrimaryKeyConstraint("threat_provider_usage_pk", ["provider", "day"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("threat_provider_usage").ifExists().execute();
  await db.schema.dropTable("ip_threat_scores").ifExists().execute();
}
