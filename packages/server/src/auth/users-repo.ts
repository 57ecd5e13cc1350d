import { type Kysely, sql } from "kysely";
import type { Role } from "../http/access.js";
import type { StateDatabase } from "../storage/state-schema.js";
import type { UsersTable } from "./auth-tables.js";

/** The only code that reads and writes the `users` table. */
export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  password_hash: string;
  role: Role;
  /** null: operator staff. */
  client: string | null;
  is_active: boolean;
  last_login: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface UserChanges {
  role?: Role;
  client?: string | null;
  email?: string | null;
  password_hash?: string;
  is_active?: boolean;
}

export function createUsersRepo(db: Kysely<StateDatabase>) {
  return {
    async list(): Promise<(UserRow & { mfa_enabled: boolean })[]> {
      // With whether the user has MFA on (mfa-tables.ts), for the admin's users list.
      return db
        .selectFrom("users")
        .selectAll("users")
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom("user_mfa")
                .select("user_mfa.user_id")
                .whereRef("user_mfa.user_id", "=", "users.id")
                .where("user_mfa.enabled_at", "is not", null),
            )
            .$castTo<boolean>()
            .as("mfa_enabled"),
        )
        .orderBy("username")
        .execute();
    },
    async mfaEnabled(id: string): Promise<boolean> {
      const row = await db
        .selectFrom("user_mfa")
        .select("user_id")
        .where("user_id", "=", id)
        .where("enabled_at", "is not", null)
        .executeTakeFirst();
      return row !== undefined;
    },
    async findById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    },
    async findByUsername(username: string): Promise<UserRow | undefined> {
      return db
        .selectFrom("users")
        .selectAll()
        .where(sql`lower(username)`, "=", username.toLowerCase())
        .executeTakeFirst();
    },
    async count(): Promise<number> {
      const row = await db
        .selectFrom("users")
        .select(sql<string>`count(*)`.as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async countActiveAdmins(): Promise<number> {
      const row = await db
        .selectFrom("users")
        .select(sql<string>`count(*)`.as("n"))
        .where("role", "=", "admin")
        .where("client", "is", null)
        .where("is_active", "=", true)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** Returns undefined when the username is taken (unique index), instead of throwing. */
    async insert(user: Omit<UsersTable, "is_active" | "last_login" | "created_at" | "updated_at">) {
      return db
        .insertInto("users")
        .values(user)
        .onConflict((oc) => oc.expression(sql`lower(username)`).doNothing())
        .returningAll()
        .executeTakeFirst();
    },
    async update(id: string, changes: UserChanges): Promise<UserRow | undefined> {
      return db
        .updateTable("users")
        .set({ ...changes, updated_at: sql<Date>`now()` })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async touchLastLogin(id: string): Promise<void> {
      await db.updateTable("users").set({ last_login: sql<Date>`now()` }).where("id", "=", id).execute();
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
