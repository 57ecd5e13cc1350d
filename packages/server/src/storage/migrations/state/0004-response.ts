import { type Kysely, sql } from "kysely";

/**
 * Response side of "Detect and ban": bans (one row per IP, with tiers and a change `version` the
 * bouncer stream reads), their history, the whitelist (with a real `cidr` column for containment
 * queries), pending approvals, the GeoZone configuration (one row) and country geoblocking rules.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every change to a ban takes the next value: consumers (bouncer stream, enforcement) ask for
  // "everything after version N" and never miss a change, even across nodes.
  await sql`create sequence bans_version_seq`.execute(db);

  await db.schema
    .createTable("bans")
    .addColumn("ip", "text", (c) => c.primaryKey())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('active', 'expired', 'permanent', 'conditional', 'pending_approval')`),
    )
    .addColumn("ban_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("current_tier", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("first_ban", "timestamptz", (c) => c.notNull())
    .addColumn("last_ban", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz")
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("source", "text", (c) =>
      c.notNull().check(sql`source in ('manual', 'detect2ban', 'threat_intel', 'blocklist')`),
    )
    .addColumn("trigger_rule", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("site", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("country", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("geo_zone", "text", (c) => c.notNull().defaultTo("neutral"))
    .addColumn("threat_score_at_ban", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("immune_until", "timestamptz")
    .addColumn("created_by", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("version", "bigint", (c) => c.notNull().defaultTo(sql`nextval('bans_version_seq')`))
    .execute();
  await db.schema.createIndex("bans_version_idx").on("bans").column("version").execute();
  await db.schema
    .createIndex("bans_status_expires_idx")
    .on("bans")
    .columns(["status", "expires_at"])
    .execute();

  await db.schema
    .createTable("ban_history")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("action", "text", (c) =>
      c
        .notNull()
        .check(sql`action in ('ban', 'unban', 'escalate', 'expire', 'approve', 'reject', 'pending')`),
    )
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("tier", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("duration_ms", "bigint")
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("source", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("ban_history_ip_idx").on("ban_history").columns(["ip", "id"]).execute();
  await db.schema.createIndex("ban_history_at_idx").on("ban_history").column("at").execute();

  await db.schema
    .createTable("whitelist")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("cidr", sql`cidr`, (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('hard', 'soft', 'monitor')`))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("score_modifier", "integer", (c) =>
      c.notNull().defaultTo(0).check(sql`score_modifier between 0 and 100`),
    )
    .addColumn("alert_only", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("expires_at", "timestamptz")
    .addColumn("tags", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("is_active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_by", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // GiST with inet_ops makes `cidr >>= $ip::inet` an index lookup (PGlite and PostgreSQL both ship it).
  await sql`create index whitelist_cidr_idx on whitelist using gist (cidr inet_ops)`.execute(db);

  await db.schema
    .createTable("pending_bans")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("geo_zone", "text", (c) => c.notNull().defaultTo("neutral"))
    .addColumn("threat_score", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("threat_sources", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("event_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("first_event", "timestamptz", (c) => c.notNull())
    .addColumn("last_event", "timestamptz", (c) => c.notNull())
    .addColumn("trigger_rule", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status in ('pending', 'approved', 'rejected', 'expired')`),
    )
    .addColumn("pending_type", "text", (c) =>
      c.notNull().check(sql`pending_type in ('country_policy', 'false_positive')`),
    )
    .addColumn("fp_rule_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("fp_uri", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("fp_hostname", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("site", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("duration_ms", "bigint")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("reviewed_by", "text")
    .addColumn("reviewed_at", "timestamptz")
    .addColumn("review_note", "text")
    .execute();
  // At most one open approval per IP: repeats of the same detection update it instead.
  await sql`create unique index pending_bans_open_ip_idx on pending_bans (ip) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex("pending_bans_status_idx")
    .on("pending_bans")
    .columns(["status", "created_at"])
    .execute();

  await db.schema
    .createTable("geozone_config")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("config", "jsonb", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("geoblock_rules")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull().check(sql`action in ('block', 'allow')`))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_by", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("geoblock_rules_country_idx")
    .on("geoblock_rules")
    .column("country")
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["geoblock_rules", "geozone_config", "pending_bans", "whitelist", "ban_history", "bans"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop sequence if exists bans_version_seq`.execute(db);
}
