import type { EventStore } from "./event-store.js";
import { type ClickHouseMigration, EVENT_MIGRATIONS } from "./migrations/events/index.js";

export interface MigrationLog {
  info(obj: object, msg: string): void;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in version order, each once.
 * Two nodes starting together may both run one: the DDL is idempotent and the ReplacingMergeTree
 * record collapses to one row, so the race is harmless.
 * Returns the versions applied by this call.
 */
export async function migrateEventStore(
  store: EventStore,
  log: MigrationLog,
  migrations: readonly ClickHouseMigration[] = EVENT_MIGRATIONS,
): Promise<number[]> {
  await store.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`);
  const rows = await store.query<{ version: number }>("SELECT DISTINCT version FROM schema_migrations");
  const done = new Set(rows.map((r) => Number(r.version)));
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
  const applied: number[] = [];
  for (const m of pending) {
    for (const sql of m.statements) await store.exec(sql);
    await store.exec(
      "INSERT INTO schema_migrations (version, name) VALUES ({version:UInt32}, {name:String})",
      {
        version: m.version,
        name: m.name,
      },
    );
    log.info({ version: m.version, name: m.name }, "event store migration applied");
    applied.push(m.version);
  }
  return applied;
}
