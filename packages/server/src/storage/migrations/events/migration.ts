/**
 * A versioned ClickHouse migration. Statements must be idempotent (`IF NOT EXISTS`,
 * `ADD COLUMN IF NOT EXISTS`...), so a crash between a statement and its record in
 * `schema_migrations` is repaired by simply running the migration again.
 */
export interface ClickHouseMigration {
  /** Strictly increasing; recorded in `schema_migrations` once applied. */
  version: number;
  name: string;
  statements: readonly string[];
}

/** Retention written into the tables by the creating migrations; start-up changes it with MODIFY TTL. */
export const DEFAULT_RETENTION_DAYS = 30;
