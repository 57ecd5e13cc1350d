import type { Kysely } from "kysely";

/**
 * The sender address a syslog hostname or device serial was last seen behind. One address (a relay,
 * or a site's NAT) often carries several devices; recording them lets an admin see each one under
 * its sender and map it to its own site. "" for sender-address rows and for rows typed in by hand.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("sources")
    .addColumn("via", "text", (c) => c.notNull().defaultTo(""))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("sources").dropColumn("via").execute();
}
