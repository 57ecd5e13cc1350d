import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import type { Logger } from "pino";
import { lockDataDir } from "./state-dir-lock.js";
import { migrateState } from "./state-migrate.js";
import type { StateDatabase } from "./state-schema.js";

/**
 * The state store: PostgreSQL for everything that changes (users, bans, alerts, rules, cases…).
 * Embedded PGlite under `<dataDir>/state` by default, a PostgreSQL server when `url` is set; the same
 * SQL and the same migrations run on both.
 */
export interface StateStore {
  readonly db: Kysely<StateDatabase>;
  readonly kind: "pglite" | "pg";
  /** Cheap liveness check, for /health and /api/v1/status. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StateStoreOptions {
  /** `postgres://user:pass@host:port/db`; unset → embedded PGlite. */
  url?: string | undefined;
  dataDir: string;
  log: Pick<Logger, "info" | "warn" | "error">;
  /** Run migrations at start (default true). */
  migrate?: boolean;
  /** Pool size for a PostgreSQL server (default 10). */
  poolSize?: number;
}

export async function createStateStore(options: StateStoreOptions): Promise<StateStore> {
  const { url, dataDir, log } = options;
  let db: Kysely<StateDatabase>;
  let kind: StateStore["kind"];
  let unlock = async () => {};
  if (url) {
    kind = "pg";
    // Loaded only for a PostgreSQL server: the embedded default starts without it.
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      application_name: "vigil",
    });
    // An idle client losing its server must not crash the process; the pool replaces it.
    pool.on("error", (err) => log.warn({ err }, "state store: idle PostgreSQL connection failed"));
    db = new Kysely<StateDatabase>({ dialect: new PostgresDialect({ pool }) });
  } else {
    kind = "pglite";
    const dir = join(dataDir, "state");
    await mkdir(dir, { recursive: true });
    unlock = await lockDataDir(dataDir);
    try {
      const pglite = await PGlite.create(dir);
      db = new Kysely<StateDatabase>({ dialect: new PGliteDialect(pglite) });
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  if (options.migrate ?? true) {
    try {
      const { applied } = await migrateState(db);
      if (applied.length > 0) log.info({ applied, kind }, "state store migrated");
    } catch (err) {
      await db.destroy();
      await unlock();
      throw err;
    }
  }

  let closed = false;
  return {
    db,
    kind,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await unlock();
    },
  };
}
