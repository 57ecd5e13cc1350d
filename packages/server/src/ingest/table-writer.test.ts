import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { createDeadLetter } from "./dead-letter.js";
import { EVENT_COLUMNS, eventRow, finishEvent } from "./normalise.js";
import { checkEventRow } from "./row-check.js";
import { TableWriter } from "./table-writer.js";

/** The ingest writer against the real embedded ClickHouse. */
let dir: string;
let store: EventStore;
const log = pino({ level: "silent" });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vigil-writer-"));
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (message: string) =>
  eventRow(
    finishEvent(
      { source_type: "json", raw_log: message, message },
      { site: "w", sender: "t" },
      null,
      Date.now(),
    ),
  );

async function count(prefix: string): Promise<number> {
  const [r] = await store.query<{ n: number }>(
    "SELECT count() AS n FROM events WHERE startsWith(message, {p:String})",
    { p: prefix },
  );
  return Number(r?.n ?? 0);
}

function writer(over: Partial<ConstructorParameters<typeof TableWriter>[0]> = {}) {
  return new TableWriter({
    store,
    table: "events",
    columns: EVENT_COLUMNS,
    batchSize: 1000,
    flushIntervalMs: 20,
    maxQueued: 10_000,
    deadLetter: createDeadLetter(join(dir, "dead-letter")),
    log,
    ...over,
  });
}

describe("the ingest writer", () => {
  it("acknowledges a write only once its rows can be read back", async () => {
    const w = writer();
    await w.write(Array.from({ length: 250 }, (_, i) => row(`ack-${i}`)));
    expect(await count("ack-")).toBe(250);
    await w.close();
  });

  it("isolates a row the store refuses, stores the good rows beside it, and keeps the bad one in the dead-letter file", async () => {
    const stored = new Map<string, number>();
    const w = writer({
      classify: () => "json",
      onStored: (by) => {
        for (const [k, v] of by) stored.set(k, (stored.get(k) ?? 0) + v);
      },
    });
    const rows = Array.from({ length: 40 }, (_, i) => row(`bisect-${i}`));
    rows.splice(17, 0, '["json","not-a-uuid",1,"w"]');
    await w.write(rows);
    expect(await count("bisect-")).toBe(40);
    expect(w.getStats().deadLettered).toBe(1);
    const dead = readFileSync(join(dir, "dead-letter", "events.ndjson"), "utf8")
      .trim()
      .split("\n");
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0] as string)).toMatchObject({
      table: "events",
      row: '["json","not-a-uuid",1,"w"]',
    });
    expect(stored.get("json")).toBe(40);
    await w.close();
  });

  it("finds a bad row among many with its row check, without bisecting: two inserts, batch-mates stored", async () => {
    let inserts = 0;
    const counting: EventStore = Object.assign(Object.create(store) as EventStore, {
      insertCompact: (table: string, columns: readonly string[], body: Buffer) => {
        inserts++;
        return store.insertCompact(table, columns, body);
      },
    });
    const w = writer({ store: counting, batchSize: 10_000, checkRow: checkEventRow });
    const rows = Array.from({ length: 5_000 }, (_, i) => row(`poison-${i}`));
    // A value the normaliser would never let through (as a JSON line's `1e300` timestamp once did).
    const bad = JSON.parse(row("poison-bad")) as unknown[];
    bad[EVENT_COLUMNS.indexOf("timestamp")] = 1e300;
    rows.splice(2_500, 0, JSON.stringify(bad));
    const before = w.getStats().deadLettered;
    const outcome = await w.write(rows);
    expect(outcome.deadLettered).toEqual([
      { index: 2_500, reason: expect.stringMatching(/^timestamp: 1e\+300 is not a time/) },
    ]);
    expect(await count("poison-")).toBe(5_000);
    expect(inserts).toBe(2);
    expect(w.getStats().deadLettered - before).toBe(1);
    const dead = readFileSync(join(dir, "dead-letter", "events.ndjson"), "utf8")
      .trim()
      .split("\n");
    expect(JSON.parse(dead.at(-1) as string)).toMatchObject({ reason: expect.stringMatching(/^timestamp:/) });
    await w.close();
  });

  it("bounds its queue by bytes as well as by rows", async () => {
    const w = writer({
      batchSize: 100_000,
      flushIntervalMs: 200,
      maxQueued: 100_000,
      maxQueuedBytes: 1 << 20,
    });
    w.writeNoAck(Array.from({ length: 20 }, (_, i) => row(`bytes-${i}-${"x".repeat(100_000)}`)));
    expect(w.pressured).toBe(true);
    await w.whenReady();
    expect(w.pressured).toBe(false);
    expect(await count("bytes-")).toBe(20);
    await w.close();
  });

  it("asks callers to slow down past its queue limit, and says when it has room again", async () => {
    const w = writer({ batchSize: 100_000, flushIntervalMs: 200, maxQueued: 500 });
    w.writeNoAck(Array.from({ length: 600 }, (_, i) => row(`pressure-${i}`)));
    expect(w.pressured).toBe(true);
    await w.whenReady();
    expect(w.pressured).toBe(false);
    expect(await count("pressure-")).toBe(600);
    await w.close();
  });

  it("writes everything still queued when it closes", async () => {
    const w = writer({ batchSize: 100_000, flushIntervalMs: 60_000 });
    w.writeNoAck(Array.from({ length: 300 }, (_, i) => row(`close-${i}`)));
    await w.close();
    expect(await count("close-")).toBe(300);
  });
});
