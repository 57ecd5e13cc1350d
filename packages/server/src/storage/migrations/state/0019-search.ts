import { type Kysely, sql } from "kysely";

/**
 * The KQL workbench's per-user state (issue 12): saved queries (a name per user, unique) and the
 * history of queries a user ran (the newest 100 kept per user). Both go with their user.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("saved_searches")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("query", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("saved_searches_user_name", ["user_id", "name"])
    .execute();
  await db.schema
    .createTable("search_history")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("query", "text", (c) => c.notNull())
    .addColumn("ran_at", "timestamptz", (c) => c.notNull())
    .addColumn("ok", "boolean", (c) => c.notNull())
    .addColumn("row_count", "integer")
    .addColumn("elapsed_ms", "double precision")
    .execute();
  await db.schema
    .createIndex("search_history_user_ran")
    .on("search_history")
    .columns(["user_id", "ran_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("search_history").ifExists().execute();
  await db.schema.dropTable("saved_searches").ifExists().execute();
}
