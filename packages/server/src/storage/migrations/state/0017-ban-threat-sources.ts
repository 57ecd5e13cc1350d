import { type Kysely, sql } from "kysely";

/**
 * The threat-intelligence providers that voted on a ban (issue 10): on the ban itself, and on each
 * history row with the score at that moment, so an analyst sees why a ban happened long after the
 * lookup's cache entry has expired.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("bans")
    .addColumn("threat_sources", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await db.schema.alterTable("ban_history").addColumn("threat_score", "integer").execute();
  await db.schema
    .alterTable("ban_history")
    .addColumn("threat_sources", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("ban_history").dropColumn("threat_sources").execute();
  await db.schema.alterTable("ban_history").dropColumn("threat_score").execute();
  await db.schema.alterTable("bans").dropColumn("threat_sources").execute();
}
