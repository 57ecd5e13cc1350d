import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Event } from "../ingest/event.js";
import { parseEventFilter } from "../query/event-filter.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { createEventRepository, type EventRepository } from "./event-repository.js";
import { makeEvent, toJsonEachRow } from "./test-events.js";

const MIN = 60_000;
const NOW = Date.now();
const dir = mkdtempSync(join(tmpdir(), "vigil-top-attackers-"));
let store: EventStore;
let repo: EventRepository;

const at = (i: number, e: Partial<Event>) =>
  makeEvent({ timestamp: NOW - 30 * MIN + i * 100, site: "paris", ...e });

// A busy internal host: 500 allowed connections. An attacker: 20 drops. A scanner: 5 IPS detections that
// were allowed through. A quiet host: 3 allowed.
const events: Event[] = [
  ...Array.from({ length: 500 }, (_, i) =>
    at(i, { src_ip: "10.0.0.5", action: "allow", log_type: "Firewall", severity: "info" }),
  ),
  ...Array.from({ length: 20 }, (_, i) =>
    at(i, {
      src_ip: "203.0.113.9",
      action: "drop",
      log_type: "Firewall",
      severity: "low",
      geo_country: "CN",
    }),
  ),
  ...Array.from({ length: 5 }, (_, i) =>
    at(i, { src_ip: "198.51.100.7", action: "allow", log_type: "IPS", severity: "medium" }),
  ),
  ...Array.from({ length: 3 }, (_, i) =>
    at(i, { src_ip: "10.0.0.9", action: "allow", log_type: "Firewall", severity: "info" }),
  ),
];

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  await store.insertJsonEachRow("events", toJsonEachRow(events));
  repo = createEventRepository(store);
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("top attackers", () => {
  const filter = () =>
    parseEventFilter({ from: new Date(NOW - 60 * MIN).toISOString(), to: new Date(NOW).toISOString() });

  it("ranks sources by drops, rejections and detections; busy allowed traffic does not count", async () => {
    const items = await repo.top(filter(), "attacker", 10);
    expect(items.map(({ key, count }) => ({ key, count }))).toEqual([
      { key: "203.0.113.9", count: 20 },
      { key: "198.51.100.7", count: 5 },
    ]);
  });

  it("differs from the plain talker ranking, where the internal host leads", async () => {
    const [first] = await repo.top(filter(), "src_ip", 1);
    expect(first?.key).toBe("10.0.0.5");
  });
});
