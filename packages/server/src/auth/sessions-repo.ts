import { type Kysely, sql } from "kysely";
import type { Role } from "../http/access.js";
import type { StateDatabase } from "../storage/state-schema.js";

/** The only code that reads and writes the `sessions` table. */
export interface ActiveSession {
  id: string;
  user_id: string;
  username: string;
  role: Role;
  client: string | null;
  expires_at: Date;
  last_seen_at: Date;
}

export function createSessionsRepo(db: Kysely<StateDatabase>) {
  return {
    async insert(session: {
      id: string;
      user_id: string;
      token_hash: string;
      expires_at: Date;
      ip: string | null;
      user_agent: string | null;
    }): Promise<void> {
      await db.insertInto("sessions").values(session).execute();
    },
    /** A session that is not revoked, not expired, and whose user is still active. */
    async findActive(tokenHash: string): Promise<ActiveSession | undefined> {
      return db
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .select([
          "sessions.id",
          "sessions.user_id",
          "users.username",
          "users.role",
          "users.client",
          "sessions.expires_at",
          "sessions.last_seen_at",
        ])
        .where("sessions.token_hash", "=", tokenHash)
        .where("sessions.revoked_at", "is", null)
        .where("sessions.expires_at", ">", sql<Date>`now()`)
        .where("users.is_active", "=", true)
        .executeTakeFirst();
    },
    async extend(id: string, expiresAt: Date): Promise<void> {
      await db
        .updateTable("sessions")
        .set({ expires_at: expiresAt, last_seen_at: sql<Date>`now()` })
        .where("id", "=", id)
        .execute();
    },
    async revoke(id: string): Promise<void> {
      await db
        .updateTable("sessions")
        .set({ revoked_at: sql<Date>`now()` })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .execute();
    },
    /** A user's live sessions, newest first (for "My account"). */
    async listActiveForUser(userId: string) {
      return db
        .selectFrom("sessions")
        .select(["id", "created_at", "last_seen_at", "ip", "user_agent"])
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", sql<Date>`now()`)
        .orderBy("created_at", "desc")
        .execute();
    },
    /** Revoke one session if it is the user's own and still live; false otherwise. */
    async revokeOwn(id: string, userId: string): Promise<boolean> {
      const result = await db
        .updateTable("sessions")
        .set({ revoked_at: sql<Date>`now()` })
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", sql<Date>`now()`)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** Revoke every live session of a user, except `keepId` when given. */
    async revokeAllForUser(userId: string, keepId?: string): Promise<void> {
      let query = db
        .updateTable("sessions")
        .set({ revoked_at: sql<Date>`now()` })
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null);
      if (keepId) query = query.where("id", "!=", keepId);
      await query.execute();
    },
    /** Housekeeping: forget sessions that ended more than a day ago. */
    async deleteEnded(): Promise<number> {
      const result = await db
        .deleteFrom("sessions")
        .where((eb) =>
          eb.or([
            eb("expires_at", "<", sql<Date>`now() - interval '1 day'`),
            eb("revoked_at", "<", sql<Date>`now() - interval '1 day'`),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
