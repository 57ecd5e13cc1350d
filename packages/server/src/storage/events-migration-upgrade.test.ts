import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EVENT_COLUMNS, eventRow } from "../ingest/normalise.js";
import { sampleEvent } from "../test-support/event-store-suites.js";
import { createChdbEventStore } from "./clickhouse-chdb.js";
import { silentLog } from "./clickhouse-log.js";
import { migrateEventStore } from "./clickhouse-migrate.js";
import { createEventStore } from "./event-store-factory.js";
import { EVENT_MIGRATIONS } from "./migrations/events/index.js";

/** A data directory written by a Vigil before `event_type` and `metadata` picks them up on start. */
const dataDir = mkdtempSync(join(tmpdir(), "vigil-events-upgrade-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("events migration 5 on an existing data directory", () => {
  it("adds event_type and metadata with defaults for the old rows, and stores them for new ones", async () => {
    const old = createChdbEventStore({ dataDir, log: silentLog });
    await migrateEventStore(old, silentLog, EVENT_MIGRATIONS.slice(0, 4));
    await old.exec(
      "INSERT INTO events (event_id, timestamp, site, source_type, message) VALUES (generateUUIDv7(), now64(3), 'paris', 'sophos', 'before')",
    );
    await old.close();

    const store = await createEventStore({
      dataDir,
      log: silentLog,
      retention: { eventsDays: 30, modsecDays: 30 },
    });
    try {
      const versions = await store.query<{ version: number }>(
        "SELECT DISTINCT version FROM schema_migrations ORDER BY version",
      );
      expect(versions.map((v) => Number(v.version))).toEqual([1, 2, 3, 4, 5]);
      const fresh = sampleEvent({ event_type: "port_scan", metadata: { ports: "[22,80]", zone: "dmz" } });
      await store.insertCompact("events", EVENT_COLUMNS, `${eventRow(fresh)}\n`);
      const rows = await store.query<{ message: string; event_type: string; metadata: unknown }>(
        "SELECT message, event_type, metadata FROM events ORDER BY timestamp",
      );
      expect(rows).toContainEqual({ message: "before", event_type: "", metadata: {} });
      expect(rows).toContainEqual({
        message: fresh.message,
        event_type: "port_scan",
        metadata: { ports: "[22,80]", zone: "dmz" },
      });
    } finally {
      await store.close();
    }
  });
});
