import { type Kysely, sql } from "kysely";

/**
 * Threat-intelligence provider settings made in the console (Settings → Threat intelligence): an API
 * key, sealed with the server secret like channel and target secrets, and a daily call limit. A row
 * overrides the environment; no row means `VIGIL_TI_<NAME>_KEY` and the provider's default quota.
 * `limit_set` tells "no limit" (true, daily_limit null) from "the default" (false).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("threat_provider_settings")
    .addColumn("provider", "text", (c) => c.primaryKey())
    .addColumn("key_sealed", "text")
    .addColumn("daily_limit", "integer", (c) => c.check(sql`daily_limit >= 0`))
    .addColumn("limit_set", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("threat_provider_settings").ifExists().execute();
}
