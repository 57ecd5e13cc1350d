import { type Kysely, sql } from "kysely";

/**
 * Vigimail (docs/VIGIMAIL.md): monitored mail domains and mailboxes, each belonging to a client; every
 * DNS posture check of a domain (kept 90 days); each breach once per mailbox and source with first and
 * last seen; and one settings row (check interval, DKIM selectors, provider keys sealed with the
 * server secret, the worker's lease so the scheduled run happens once per cluster).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("vigimail_settings")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("interval_hours", "integer", (c) =>
      c.notNull().defaultTo(24).check(sql`interval_hours between 1 and 720`),
    )
    .addColumn("dkim_selectors", sql`text[]`)
    .addColumn("hibp_enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("hibp_key_sealed", "text")
    .addColumn("hibp_rpm", "integer", (c) => c.notNull().defaultTo(10))
    .addColumn("hibp_domain_search", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("leakcheck_enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("leakcheck_key_sealed", "text")
    .addColumn("lease_until", "timestamptz")
    .addColumn("last_run_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_by", "text")
    .execute();
  await sql`insert into vigimail_settings (id) values (1)`.execute(db);

  await db.schema
    .createTable("vigimail_domains")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("domain", "text", (c) => c.notNull().unique())
    .addColumn("client", "text", (c) =>
      c.notNull().references("clients.name").onUpdate("cascade").onDelete("cascade"),
    )
    .addColumn("dkim_selectors", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("last_check_at", "timestamptz")
    .addColumn("last_score", "integer")
    .addColumn("last_status", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("vigimail_domains_client_idx")
    .on("vigimail_domains")
    .column("client")
    .execute();

  await db.schema
    .createTable("vigimail_domain_checks")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("domain_id", "uuid", (c) => c.notNull().references("vigimail_domains.id").onDelete("cascade"))
    .addColumn("checked_at", "timestamptz", (c) => c.notNull())
    .addColumn("overall_score", "integer", (c) => c.notNull())
    .addColumn("overall_status", "text", (c) => c.notNull())
    .addColumn("result", "jsonb", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("vigimail_domain_checks_domain_idx")
    .on("vigimail_domain_checks")
    .columns(["domain_id", "checked_at"])
    .execute();

  await db.schema
    .createTable("vigimail_mailboxes")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("client", "text", (c) =>
      c.notNull().references("clients.name").onUpdate("cascade").onDelete("cascade"),
    )
    .addColumn("last_check_at", "timestamptz")
    .addColumn("last_success_at", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("vigimail_mailboxes_client_idx")
    .on("vigimail_mailboxes")
    .column("client")
    .execute();

  await db.schema
    .createTable("vigimail_breaches")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("mailbox_id", "uuid", (c) =>
      c.notNull().references("vigimail_mailboxes.id").onDelete("cascade"),
    )
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("breach_domain", "text")
    .addColumn("breach_date", "text")
    .addColumn("data_classes", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("verified", "boolean", (c) => c.notNull())
    .addColumn("sensitive", "boolean", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("first_seen", "timestamptz", (c) => c.notNull())
    .addColumn("last_seen", "timestamptz", (c) => c.notNull())
    .addUniqueConstraint("vigimail_breaches_once", ["mailbox_id", "source", "name"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    "vigimail_breaches",
    "vigimail_mailboxes",
    "vigimail_domain_checks",
    "vigimail_domains",
    "vigimail_settings",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
