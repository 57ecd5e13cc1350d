import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventStoreSuite } from "../test-support/event-store-suites.js";
import { type FakeClickHouse, startFakeClickHouse } from "../test-support/fake-clickhouse-server.js";
import { databaseFromUrl } from "./clickhouse-http.js";
import { silentLog } from "./clickhouse-log.js";
import { createEventStore } from "./event-store-factory.js";

// A zone far from UTC (+14h), so any place that used the machine's zone instead of UTC shows up.
process.env.TZ = "Pacific/Kiritimati";
const dataDir = mkdtempSync(join(tmpdir(), "vigil-events-http-"));
let server: FakeClickHouse;
const unknownParams = new Set<string>();
const start = async () => {
  server = await startFakeClickHouse({ dataDir, onUnknownParam: (p) => unknownParams.add(p) });
};

beforeAll(start);
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (unknownParams.size > 0)
    console.info(
      `[fake-clickhouse] URL parameters applied as plain settings: ${[...unknownParams].join(", ")}`,
    );
});

eventStoreSuite("@clickhouse/client → fake ClickHouse → chDB", {
  open: (retention) => createEventStore({ url: `${server.url}/vigil`, dataDir, log: silentLog, retention }),
  restartEngine: async () => {
    await server.close();
    await start();
  },
});

describe("ClickHouse URL", () => {
  it("names the database in its path, `default` when it has none, and refuses odd names", () => {
    expect(databaseFromUrl("http://vigil:secret@ch.example:8123/vigil")).toBe("vigil");
    expect(databaseFromUrl("https://ch.example:8443/")).toBe("default");
    expect(databaseFromUrl("http://ch.example:8123")).toBe("default");
    expect(() => databaseFromUrl("http://ch.example:8123/a%60b")).toThrow(/invalid ClickHouse database/);
  });
});
