import { type Kysely, sql } from "kysely";

/**
 * Alerts (issue "Alerts"): threshold alert rules, the alerts they (and scenarios, pending bans and the
 * system) raise, each alert's history of actions, event triage beside the immutable events, and a
 * severity floor per channel for alerts that name no channel themselves.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("alert_rules")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("severity", "text", (c) =>
      c.notNull().check(sql`severity in ('critical', 'high', 'medium', 'low', 'info')`),
    )
    // [] = every site.
    .addColumn("sites", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("channels", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("detection", "jsonb", (c) => c.notNull())
    .addColumn("cooldown_s", "integer", (c) => c.notNull().defaultTo(900))
    .addColumn("escalation", "jsonb")
    .addColumn("builtin", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("trigger_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_triggered_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("alerts")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("source", "text", (c) =>
      c.notNull().check(sql`source in ('rule', 'scenario', 'pending_ban', 'system')`),
    )
    // A deleted rule keeps its alerts (rule_name stays); hence no foreign key.
    .addColumn("rule_id", "uuid")
    .addColumn("rule_name", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) =>
      c.notNull().check(sql`severity in ('critical', 'high', 'medium', 'low', 'info')`),
    )
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("new")
        .check(sql`state in ('new', 'acknowledged', 'investigating', 'resolved', 'false_positive')`),
    )
    .addColumn("site", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("group_by", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("group_value", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("threshold", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("first_seen", "timestamptz", (c) => c.notNull())
    .addColumn("last_seen", "timestamptz", (c) => c.notNull())
    .addColumn("event_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("assigned_to", "text")
    .addColumn("escalated_to", "text")
    .addColumn("escalated_at", "timestamptz")
    .addColumn("acknowledged_at", "timestamptz")
    .addColumn("acknowledged_by", "text")
    .addColumn("resolved_at", "timestamptz")
    .addColumn("resolved_by", "text")
    // Firings of the same rule and group value inside the cooldown, folded into this alert.
    .addColumn("repeat_count", "integer", (c) => c.notNull().defaultTo(0))
    // Notifications not sent for this alert because a channel's rate limit was reached.
    .addColumn("suppressed_notifications", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("alerts_created_idx")
    .on("alerts")
    .columns(["created_at desc", "id desc"])
    .execute();
  await db.schema
    .createIndex("alerts_state_idx")
    .on("alerts")
    .columns(["state", "created_at desc"])
    .execute();
  await db.schema
    .createIndex("alerts_rule_group_idx")
    .on("alerts")
    .columns(["rule_name", "group_value", "created_at desc"])
    .execute();

  await db.schema
    .createTable("alert_actions")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("alert_id", "uuid", (c) => c.notNull().references("alerts.id").onDelete("cascade"))
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("detail", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex("alert_actions_alert_idx")
    .on("alert_actions")
    .columns(["alert_id", "id"])
    .execute();

  await db.schema
    .createTable("event_triage")
    .addColumn("event_id", "text", (c) => c.primaryKey())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('new', 'investigating', 'resolved')`),
    )
    .addColumn("assigned_to", "text")
    .addColumn("updated_by", "text", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Alerts without channels of their own (scenarios, pending bans, the system) go to every enabled
  // channel whose floor they reach; null = such alerts never go to this channel.
  await db.schema
    .alterTable("notification_channels")
    .addColumn("min_severity", "text", (c) =>
      c.check(sql`min_severity in ('critical', 'high', 'medium', 'low', 'info')`),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("notification_channels").dropColumn("min_severity").execute();
  await db.schema.dropTable("event_triage").ifExists().execute();
  await db.schema.dropTable("alert_actions").ifExists().execute();
  await db.schema.dropTable("alerts").ifExists().execute();
  await db.schema.dropTable("alert_rules").ifExists().execute();
}
