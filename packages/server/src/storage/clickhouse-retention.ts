import type { StoreLog } from "./clickhouse-log.js";
import type { EventStore } from "./event-store.js";
import { DEFAULT_RETENTION_DAYS } from "./migrations/events/index.js";

export interface RetentionConfig {
  eventsDays: number;
  modsecDays: number;
}

/** The tables whose rows expire, each counted from its `ingested_at` (when Vigil wrote the row). */
const TABLES = [
  { table: "events", key: "eventsDays" },
  { table: "modsec_logs", key: "modsecDays" },
] as const;

function checkDays(days: number, what: string): number {
  if (!Number.isInteger(days) || days < 1 || days > 36_500) {
    throw new Error(`retention for ${what} must be a whole number of days between 1 and 36500, got ${days}`);
  }
  return days;
}

/**
 * Makes each table's TTL match the configured retention. The value last applied is kept in
 * `retention_state`, so an unchanged setting costs one SELECT per start and no ALTER (a MODIFY TTL
 * re-evaluates every part). A table never recorded carries the migration's default.
 * Returns the tables whose TTL was modified.
 */
export async function applyRetention(
  store: EventStore,
  config: RetentionConfig,
  log: StoreLog,
): Promise<string[]> {
  const rows = await store.query<{ table_name: string; days: number }>(
    "SELECT table_name, argMax(days, applied_at) AS days FROM retention_state GROUP BY table_name",
  );
  const recorded = new Map(rows.map((r) => [r.table_name, Number(r.days)]));
  const changed: string[] = [];
  for (const { table, key } of TABLES) {
    const days = checkDays(config[key], table);
    const current = recorded.get(table);
    if (current === days) continue;
    if ((current ?? DEFAULT_RETENTION_DAYS) !== days) {
      // DDL takes no query parameters; `days` is a checked integer, never text.
      await store.exec(
        `ALTER TABLE ${table} MODIFY TTL toDateTime(ingested_at) + INTERVAL ${days} DAY DELETE`,
      );
      log.info({ table, from: current ?? DEFAULT_RETENTION_DAYS, to: days }, "event store retention changed");
      changed.push(table);
    }
    await store.exec(
      "INSERT INTO retention_state (table_name, days) VALUES ({table:String}, {days:UInt32})",
      {
        table,
        days,
      },
    );
  }
  return changed;
}
