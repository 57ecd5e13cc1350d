import { type Kysely, sql } from "kysely";

/**
 * CrowdSec-compatible bouncers: their keys, and the decision log they stream from.
 *
 * `bouncer_decisions` is what bouncers see of the bans table, one row per decision: a ban that
 * becomes enforceable opens a decision (its id from `bouncer_decision_seq`); when the ban is lifted,
 * expires or changes its duration, the decision is closed (`deleted_seq` from the same sequence) and,
 * if still enforceable, a new one opens. One sequence for both makes "what changed since my last
 * pull" a single cursor per bouncer, and `deleted` can carry the very id the bouncer saw as `new`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence bouncer_decision_seq`.execute(db);

  await db.schema
    .createTable("bouncers")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_pull", "timestamptz")
    .addColumn("ip_address", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("version", "text", (c) => c.notNull().defaultTo(""))
    /** The last `bouncer_decision_seq` value this bouncer was sent everything up to. */
    .addColumn("cursor", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("bouncer_decisions")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull().check(sql`scope in ('Ip', 'Range')`))
    .addColumn("scenario", "text", (c) => c.notNull())
    .addColumn("uuid", "uuid", (c) => c.notNull())
    /** null = permanent. */
    .addColumn("until", "timestamptz")
    .addColumn("ban_version", "bigint", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("deleted_seq", "bigint")
    .addColumn("deleted_at", "timestamptz")
    .execute();
  // At most one open decision per value; the sync finds it by value.
  await sql`create unique index bouncer_decisions_open_idx on bouncer_decisions (value) where deleted_seq is null`.execute(
    db,
  );
  await sql`create index bouncer_decisions_until_idx on bouncer_decisions (until) where deleted_seq is null`.execute(
    db,
  );
  // Live queries (`/v1/decisions?ip=`, per request for nginx-style bouncers) ask which open decision
  // covers an IP: GiST over the value as inet makes that an index lookup.
  await sql`create index bouncer_decisions_inet_idx on bouncer_decisions using gist ((value::inet) inet_ops) where deleted_seq is null`.execute(
    db,
  );
  await db.schema
    .createIndex("bouncer_decisions_deleted_idx")
    .on("bouncer_decisions")
    .column("deleted_seq")
    .execute();

  // One row: how far the decision log has caught up with `bans.version`.
  await db.schema
    .createTable("bouncer_sync_state")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("ban_cursor", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("last_full_sync", "timestamptz")
    .execute();
  await sql`insert into bouncer_sync_state (id) values (1)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["bouncer_sync_state", "bouncer_decisions", "bouncers"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop sequence if exists bouncer_decision_seq`.execute(db);
}
