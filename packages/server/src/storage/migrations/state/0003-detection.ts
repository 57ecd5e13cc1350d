import { type Kysely, sql } from "kysely";

/**
 * Scenarios written through the API: new ones (origin 'api'), and overrides of a shipped or folder
 * scenario of the same name (edited YAML, or `enabled = false` when an admin deleted a builtin).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("scenarios")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("yaml", "text", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("origin", "text", (c) => c.notNull().defaultTo("api"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_by", "text", (c) => c.notNull().defaultTo(""))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("scenarios").ifExists().execute();
}
