import { type Kysely, sql } from "kysely";

/**
 * TOTP multi-factor authentication: each user's (sealed) secret, their single-use recovery codes,
 * the short-lived sign-in challenges between the password and the code, and the roles that must
 * use it (see docs/OPERATIONS.md, Security).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("user_mfa")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    // Sealed with the server secret (AES-256-GCM): a dump of the store alone yields no second factor.
    .addColumn("secret", "text", (c) => c.notNull())
    // Null while enrolment waits for its first code: MFA is on only once a code proved the app has it.
    .addColumn("enabled_at", "timestamptz")
    // The TOTP time step of the last code accepted; a code of that step or earlier is a replay.
    .addColumn("last_step", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("mfa_recovery_codes")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("mfa_recovery_codes_user_hash_idx")
    .on("mfa_recovery_codes")
    .columns(["user_id", "code_hash"])
    .execute();

  await db.schema
    .createTable("mfa_challenges")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per role that must use MFA; no check on the name, so new roles need no migration.
  await db.schema
    .createTable("mfa_policy")
    .addColumn("role", "text", (c) => c.primaryKey())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["mfa_policy", "mfa_challenges", "mfa_recovery_codes", "user_mfa"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
