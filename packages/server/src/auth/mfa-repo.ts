import { type Kysely, sql } from "kysely";
import type { Role } from "../http/access.js";
import type { StateDatabase } from "../storage/state-schema.js";

/** The only code that reads and writes the MFA tables (user_mfa, recovery codes, challenges, policy). */
export interface UserMfaRow {
  user_id: string;
  secret: string;
  enabled_at: Date | null;
  last_step: number | null;
}

export interface LiveChallenge {
  id: string;
  user_id: string;
  username: string;
  attempts: number;
}

export function createMfaRepo(db: Kysely<StateDatabase>) {
  return {
    async get(userId: string): Promise<UserMfaRow | undefined> {
      return db
        .selectFrom("user_mfa")
        .select(["user_id", "secret", "enabled_at", "last_step"])
        .where("user_id", "=", userId)
        .executeTakeFirst();
    },

    async isEnabled(userId: string): Promise<boolean> {
      const row = await db
        .selectFrom("user_mfa")
        .select("user_id")
        .where("user_id", "=", userId)
        .where("enabled_at", "is not", null)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Of all users, those with MFA on (for the users list). */
    async enabledUserIds(): Promise<Set<string>> {
      const rows = await db
        .selectFrom("user_mfa")
        .select("user_id")
        .where("enabled_at", "is not", null)
        .execute();
      return new Set(rows.map((r) => r.user_id));
    },

    /** Start (or restart) enrolment with a new secret; MFA stays off until `enable`. */
    async savePending(userId: string, sealedSecret: string): Promise<void> {
      await db
        .insertInto("user_mfa")
        .values({ user_id: userId, secret: sealedSecret, enabled_at: null, last_step: null })
        .onConflict((oc) =>
          oc.column("user_id").doUpdateSet({ secret: sealedSecret, enabled_at: null, last_step: null }),
        )
        .execute();
    },

    /** Turn MFA on and replace the recovery codes, at once. */
    async enable(
      userId: string,
      step: number,
      recoveryHashes: { id: string; code_hash: string }[],
    ): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable("user_mfa")
          .set({ enabled_at: sql<Date>`now()`, last_step: step })
          .where("user_id", "=", userId)
          .execute();
        await tx.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
        await tx
          .insertInto("mfa_recovery_codes")
          .values(recoveryHashes.map((r) => ({ ...r, user_id: userId })))
          .execute();
      });
    },

    /**
     * Record that the code of time step `step` was used. False when a code of that step or a later
     * one was accepted already (a replay, or two requests racing with the same code).
     */
    async advanceStep(userId: string, step: number): Promise<boolean> {
      const result = await db
        .updateTable("user_mfa")
        .set({ last_step: step })
        .where("user_id", "=", userId)
        .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", step)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Spend a recovery code; false when there is no such unused code. */
    async useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
      const result = await db
        .updateTable("mfa_recovery_codes")
        .set({ used_at: sql<Date>`now()` })
        .where("user_id", "=", userId)
        .where("code_hash", "=", codeHash)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async remainingRecoveryCodes(userId: string): Promise<number> {
      const row = await db
        .selectFrom("mfa_recovery_codes")
        .select(sql<string>`count(*)`.as("n"))
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** MFA off: the secret, the recovery codes and any sign-in waiting for a code. */
    async remove(userId: string): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
        await tx.deleteFrom("mfa_challenges").where("user_id", "=", userId).execute();
        const result = await tx.deleteFrom("user_mfa").where("user_id", "=", userId).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async insertChallenge(challenge: { id: string; user_id: string; token_hash: string; expires_at: Date }) {
      // Housekeeping on the way: challenges live minutes, so anything a day old is dead weight.
      await db
        .deleteFrom("mfa_challenges")
        .where("expires_at", "<", sql<Date>`now() - interval '1 day'`)
        .execute();
      await db.insertInto("mfa_challenges").values(challenge).execute();
    },

    /** A challenge that is unused, unexpired, and whose user is still active. */
    async findLiveChallenge(tokenHash: string): Promise<LiveChallenge | undefined> {
      return db
        .selectFrom("mfa_challenges")
        .innerJoin("users", "users.id", "mfa_challenges.user_id")
        .select(["mfa_challenges.id", "mfa_challenges.user_id", "users.username", "mfa_challenges.attempts"])
        .where("mfa_challenges.token_hash", "=", tokenHash)
        .where("mfa_challenges.used_at", "is", null)
        .where("mfa_challenges.expires_at", ">", sql<Date>`now()`)
        .where("users.is_active", "=", true)
        .executeTakeFirst();
    },

    /** Count a wrong code against the challenge; returns the attempts so far. */
    async countAttempt(id: string): Promise<number> {
      const row = await db
        .updateTable("mfa_challenges")
        .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
        .where("id", "=", id)
        .returning("attempts")
        .executeTakeFirst();
      return row?.attempts ?? Number.POSITIVE_INFINITY;
    },

    /** Mark a challenge used; false when it was used already (single use even under a race). */
    async consumeChallenge(id: string): Promise<boolean> {
      const result = await db
        .updateTable("mfa_challenges")
        .set({ used_at: sql<Date>`now()` })
        .where("id", "=", id)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** The user's role must use MFA and the user has not turned it on yet. */
    async enrolmentRequired(userId: string, role: Role): Promise<boolean> {
      const row = await db
        .selectFrom("mfa_policy")
        .select("role")
        .where("role", "=", role)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("user_mfa")
                .select("user_id")
                .where("user_mfa.user_id", "=", userId)
                .where("user_mfa.enabled_at", "is not", null),
            ),
          ),
        )
        .executeTakeFirst();
      return row !== undefined;
    },

    async requiredRoles(): Promise<Role[]> {
      const rows = await db.selectFrom("mfa_policy").select("role").orderBy("role").execute();
      return rows.map((r) => r.role);
    },

    async roleRequires(role: Role): Promise<boolean> {
      const row = await db
        .selectFrom("mfa_policy")
        .select("role")
        .where("role", "=", role)
        .executeTakeFirst();
      return row !== undefined;
    },

    async setRequiredRoles(roles: readonly Role[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom("mfa_policy").execute();
        if (roles.length > 0) {
          await tx
            .insertInto("mfa_policy")
            .values(roles.map((role) => ({ role })))
            .execute();
        }
      });
    },
  };
}

export type MfaRepo = ReturnType<typeof createMfaRepo>;
