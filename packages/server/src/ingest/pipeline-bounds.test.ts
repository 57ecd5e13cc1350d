import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { LiveHub } from "../live/live-hub.js";
import { createMetrics } from "../ops/metrics.js";
import type { EventStore } from "../storage/event-store.js";
import { createDeadLetter } from "./dead-letter.js";
import { EVENT_COLUMNS } from "./normalise.js";
import { createIngest } from "./pipeline.js";
import type { SourceRegistry } from "./sources/source-registry.js";
import type { ReceivedLine, SyslogTransport } from "./syslog/types.js";
import { TableWriter } from "./table-writer.js";

/**
 * The ingest queue is bounded (issue 8): UDP, which cannot be paused, is dropped and counted past the
 * bound; TCP is told to pause. The writers never flush here (hour-long interval, huge batch), so the
 * store is never reached and the queue only grows.
 */
const dir = mkdtempSync(join(tmpdir(), "vigil-bounds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const senders = {
  resolve: () => ({ site: "default", timezone: "UTC", registered: false }),
  isRegisteredIp: () => false,
  noteSeen: () => {},
  noteDevice: () => {},
} as unknown as SourceRegistry;

function setup() {
  const writer = (table: string, columns?: readonly string[]) =>
    new TableWriter({
      store: {} as EventStore,
      table,
      ...(columns ? { columns } : {}),
      batchSize: 1_000_000,
      flushIntervalMs: 3_600_000,
      maxQueued: 10,
      deadLetter: createDeadLetter(join(dir, "dead-letter")),
      log: pino({ level: "silent" }),
    });
  const events = writer("events", EVENT_COLUMNS);
  const metrics = createMetrics();
  const ingest = createIngest({
    events,
    modsec: writer("modsec_logs"),
    sources: senders,
    geo: null,
    hub: new LiveHub(),
    metrics,
    log: pino({ level: "silent" }),
  });
  return { ingest, events, metrics };
}

const lines = (n: number, transport: SyslogTransport): ReceivedLine[] =>
  Array.from({ length: n }, (_, i) => ({
    raw: `<13>line ${i}`,
    peer: "192.0.2.1",
    transport,
    receivedAt: Date.now(),
    invalidUtf8: false,
    truncated: false,
  }));

async function dropped(metrics: ReturnType<typeof createMetrics>): Promise<number> {
  const m = await metrics.dropped.get();
  return m.values.find((v) => v.labels.reason === "udp_queue_full")?.value ?? 0;
}

describe("bounded ingest queue", () => {
  it("drops UDP lines past the bound and counts them; the queue stays at its bound", async () => {
    const { ingest, events, metrics } = setup();
    expect(ingest.sink.push(lines(10, "udp"))).toBe(false);
    expect(events.getStats().queued).toBe(10);
    expect(ingest.sink.push(lines(5, "udp"))).toBe(false);
    expect(events.getStats().queued).toBe(10);
    expect(await dropped(metrics)).toBe(5);
  });

  it("queues TCP lines and asks the listener to pause instead of dropping", async () => {
    const { ingest, events, metrics } = setup();
    expect(ingest.sink.push(lines(10, "tcp"))).toBe(false);
    expect(ingest.sink.push(lines(3, "tcp"))).toBe(false);
    expect(events.getStats().queued).toBe(13);
    expect(await dropped(metrics)).toBe(0);
  });
});
