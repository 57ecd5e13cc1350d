import { type Kysely, sql } from "kysely";

/**
 * A third reason to hold a ban for approval: the detection's events came from a sender that is
 * neither a registered source nor an authenticated channel (a forged syslog line can name any
 * address; see docs/THREAT-MODEL.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pending_bans drop constraint if exists pending_bans_pending_type_check`.execute(db);
  await sql`alter table pending_bans add constraint pending_bans_pending_type_check
    check (pending_type in ('country_policy', 'false_positive', 'unverified_sender'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from pending_bans where pending_type = 'unverified_sender'`.execute(db);
  await sql`alter table pending_bans drop constraint if exists pending_bans_pending_type_check`.execute(db);
  await sql`alter table pending_bans add constraint pending_bans_pending_type_check
    check (pending_type in ('country_policy', 'false_positive'))`.execute(db);
}
