import { type Kysely, sql } from "kysely";

/**
 * PostgreSQL advisory locks, for work that must run once per cluster (migrations, expiry sweeps,
 * enforcement sync). Session-level locks belong to one connection, so the lock, the work and the
 * unlock all run on a single connection taken from the pool (PGlite has only one anyway).
 *
 * Inside `fn`, use the `conn` it is given, never the outer `db`: on PGlite the outer handle waits for
 * the one connection `fn` is holding, and would wait forever.
 */

/** A stable 64-bit lock key from a readable name (FNV-1a), so features need not coordinate numbers. */
export function advisoryLockKey(name: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(name, "utf8")) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  // pg_advisory_lock takes a signed bigint.
  return BigInt.asIntN(64, hash);
}

/** Wait for the lock, run `fn` on the locked connection, release the lock. */
export async function withAdvisoryLock<DB, T>(
  db: Kysely<DB>,
  name: string,
  fn: (conn: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const key = advisoryLockKey(name).toString();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${key}::bigint)`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`select pg_advisory_unlock(${key}::bigint)`.execute(conn);
    }
  });
}

/** Run `fn` only if no other node holds the lock; returns `{ ran: false }` otherwise. */
export async function tryWithAdvisoryLock<DB, T>(
  db: Kysely<DB>,
  name: string,
  fn: (conn: Kysely<DB>) => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const key = advisoryLockKey(name).toString();
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(${key}::bigint) as locked`.execute(conn);
    if (!rows[0]?.locked) return { ran: false };
    try {
      return { ran: true, value: await fn(conn) };
    } finally {
      await sql`select pg_advisory_unlock(${key}::bigint)`.execute(conn);
    }
  });
}
