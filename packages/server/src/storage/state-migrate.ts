import { type Kysely, type Migration, Migrator } from "kysely";
import { STATE_MIGRATIONS } from "./migrations/state/index.js";
import { withAdvisoryLock } from "./state-lock.js";

export interface MigrationReport {
  /** Names of the migrations this call applied (empty when the schema was already current). */
  applied: string[];
}

/**
 * Bring the state store's schema up to date. Safe to run twice and from several nodes at once: the
 * whole run (including creating Kysely's bookkeeping tables, which Kysely itself does outside its own
 * lock) happens under one advisory lock, and each migration runs in its own transaction.
 */
export async function migrateState<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>> = STATE_MIGRATIONS,
): Promise<MigrationReport> {
  return withAdvisoryLock(db, "vigil:state-migrations", async (conn) => {
    const migrator = new Migrator({
      db: conn,
      provider: { getMigrations: async () => ({ ...migrations }) },
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === "Error")?.migrationName;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`state store migration ${failed ?? "(setup)"} failed: ${reason}`, { cause: error });
    }
    return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
  });
}
