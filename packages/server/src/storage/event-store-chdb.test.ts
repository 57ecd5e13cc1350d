import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventStoreSuite } from "../test-support/event-store-suites.js";
import { silentLog } from "./clickhouse-log.js";
import { createEventStore } from "./event-store-factory.js";

const dataDir = mkdtempSync(join(tmpdir(), "vigil-events-chdb-"));

eventStoreSuite("chDB", {
  open: (retention) => createEventStore({ dataDir, log: silentLog, retention }),
});
