import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventStoreSuite } from "../test-support/event-store-suites.js";
import { silentLog } from "./clickhouse-log.js";
import { createEventStore } from "./event-store-factory.js";

// A zone far from UTC (+14h), so any place that used the machine's zone instead of UTC shows up.
process.env.TZ = "Pacific/Kiritimati";
const dataDir = mkdtempSync(join(tmpdir(), "vigil-events-chdb-"));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

eventStoreSuite("chDB", {
  open: (retention) => createEventStore({ dataDir, log: silentLog, retention }),
});

describe("chDB event store lifecycle", () => {
  it("waits for work in flight before closing, then refuses new work", async () => {
    const store = await createEventStore({
      dataDir,
      log: silentLog,
      retention: { eventsDays: 30, modsecDays: 30 },
    });
    const slow = store.query<{ n: number }>(
      "SELECT count() AS n FROM numbers(30000000) WHERE number % 7 = 0",
    );
    await store.close();
    expect(await slow).toEqual([{ n: 4285715 }]);
    await expect(store.query("SELECT 1")).rejects.toThrow(/closed/);
    expect(await store.ping()).toBe(false);
  });
});
