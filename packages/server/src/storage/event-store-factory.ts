import { createChdbEventStore } from "./clickhouse-chdb.js";
import type { StoreLog } from "./clickhouse-log.js";
import { migrateEventStore } from "./clickhouse-migrate.js";
import { applyRetention, type RetentionConfig } from "./clickhouse-retention.js";
import type { EventStore } from "./event-store.js";

export interface CreateEventStoreOptions {
  /** A ClickHouse server URL (`http://user:pass@host:8123/vigil`); unset = embedded chDB under dataDir. */
  url?: string;
  dataDir: string;
  log: StoreLog;
  retention: RetentionConfig;
}

/** Opens the event store the configuration asks for, migrated and with its retention applied. */
export async function createEventStore({
  url,
  dataDir,
  log,
  retention,
}: CreateEventStoreOptions): Promise<EventStore> {
  const store =
    url === undefined || url === ""
      ? createChdbEventStore({ dataDir, log })
      : // Loaded only for a ClickHouse server: the embedded default starts without its client.
        await (await import("./clickhouse-http.js")).createHttpEventStore({ url, log });
  try {
    await migrateEventStore(store, log);
    await applyRetention(store, retention, log);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
