import { type Kysely, sql } from "kysely";

/**
 * Each bouncer decision keeps the sites its ban applied to when it was opened, so a bouncer bound to
 * sites (an MSP client's firewall) is sent only theirs and the global ones. A ban that gains a site
 * closes its decision and opens a fresh one, so the newly concerned bouncers receive it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table bouncer_decisions add column sites text[] not null default '{}'`.execute(db);
  await sql`update bouncer_decisions d set sites = b.sites from bans b where b.ip = d.value`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table bouncer_decisions drop column sites`.execute(db);
}
