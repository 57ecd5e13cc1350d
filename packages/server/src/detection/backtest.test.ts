import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "../events/test-events.js";
import type { Event } from "../ingest/event.js";
import { EVENT_COLUMNS, eventRow } from "../ingest/normalise.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { runBacktest } from "./backtest.js";
import { testScenario } from "./test-scenarios.js";

const T0 = Date.UTC(2026, 4, 18, 10, 0, 0);
const dataDir = mkdtempSync(join(tmpdir(), "vigil-backtest-"));
let store: EventStore;

/** Stored: an ssh brute force (8 failures in 40 s) at 10:05, background ssh noise, a web burst at 10:30. */
function history(): Event[] {
  const out: Event[] = [];
  for (let i = 0; i < 8; i++)
    out.push(
      makeEvent({
        log_type: "SSH",
        src_ip: "45.155.205.233",
        timestamp: T0 + 300_000 + i * 5000,
        site: "paris",
      }),
    );
  for (let i = 0; i < 300; i++)
    out.push(
      makeEvent({
        log_type: "SSH",
        src_ip: `73.15.${i >> 4}.${i & 15}`,
        timestamp: T0 + i * 10_000,
        site: "lyon",
      }),
    );
  for (let i = 0; i < 12; i++)
    out.push(
      makeEvent({
        log_type: "Web",
        http_status: 404,
        url: `/admin${i}.php`,
        src_ip: "198.51.100.9",
        timestamp: T0 + 1_800_000 + i * 1000,
        site: "lyon",
      }),
    );
  return out;
}

beforeAll(async () => {
  store = await createEventStore({
    dataDir,
    log: silentLog,
    retention: { eventsDays: 3650, modsecDays: 3650 },
  });
  await store.insertCompact("events", EVENT_COLUMNS, `${history().map(eventRow).join("\n")}\n`);
});
afterAll(async () => {
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const SSH = testScenario("ssh", { log_type: "SSH" }, 5, 120_000);

describe("backtest over stored events", () => {
  it("finds what a scenario would have banned, reading in small pages, with a chart", async () => {
    const r = await runBacktest({ store, scenario: SSH, from: T0, to: T0 + 3600_000, pageSize: 50 });
    expect(r.scanned).toBe(320);
    expect(r.matched).toBe(308);
    expect(r.capped).toBe(false);
    expect(r.would_ban).toEqual(["45.155.205.233"]);
    expect(r.would_alert).toEqual([]);
    expect(r.detections).toHaveLength(1);
    expect(r.detections[0]).toMatchObject({ value: "45.155.205.233", first_seen: T0 + 300_000, count: 5 });
    // One hour in 30 s buckets; the detection (5th failure, 10:05:20) lands in the 10:05:00 bucket.
    expect(r.bucket_seconds).toBe(30);
    expect(r.buckets).toHaveLength(120);
    expect(r.buckets.reduce((n, b) => n + b.events, 0)).toBe(308);
    expect(r.buckets.find((b) => b.detections > 0)?.t).toBe("2026-05-18T10:05:00.000Z");
  });

  it("honours the time range, the site scope, distinct counts and alert-only scenarios", async () => {
    const probe = testScenario("probe", { http_status: 404 }, 10, 60_000, {
      distinct: "url",
      action: "alert",
    });
    const r = await runBacktest({ store, scenario: probe, from: T0, to: T0 + 3600_000 });
    expect(r.would_alert).toEqual(["198.51.100.9"]);
    expect(r.would_ban).toEqual([]);
    const before = await runBacktest({ store, scenario: SSH, from: T0 + 600_000, to: T0 + 3600_000 });
    expect(before.would_ban).toEqual([]);
    const paris = await runBacktest({ store, scenario: SSH, from: T0, to: T0 + 3600_000, site: "paris" });
    expect(paris.scanned).toBe(8);
  });

  it("stops at the cap and says so", async () => {
    const r = await runBacktest({
      store,
      scenario: SSH,
      from: T0,
      to: T0 + 3600_000,
      maxEvents: 100,
      pageSize: 40,
    });
    expect(r.scanned).toBe(100);
    expect(r.capped).toBe(true);
    expect(Date.parse(r.scanned_until)).toBeLessThan(T0 + 3600_000);
  });
});
