import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestVigil, type TestVigil } from "../test-support/test-vigil.js";
import { connect, end, write } from "./syslog/test-clients.js";

/**
 * Hostile senders (issue 8) through a whole running Vigil: a value out of its column's range is refused
 * by index over HTTP, never acknowledged and dead-lettered; lines of megabytes leave the events list
 * answering, with excerpts, and the detail route with the whole text.
 */
let t: TestVigil;
let key: string;

interface ListedEvent {
  event_id: string;
  message: string;
  raw_log: string;
  truncated?: boolean;
  parse_error: string;
}

beforeAll(async () => {
  // Whole 4 MB lines reach the store (the default limit, 64 KiB, would cut them): the worst case for a list.
  t = await startTestVigil({ VIGIL_SYSLOG_MAX_MESSAGE_BYTES: String(8 << 20) });
  key = await t.createApiKey(["ingest"]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

async function list(query: string): Promise<ListedEvent[]> {
  const res = await t.api("GET", `/api/v1/events?limit=100&${query}`, undefined, t.adminToken);
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  return (res.json() as { items: ListedEvent[] }).items;
}

describe("values out of their column's range over HTTP", () => {
  it("reports a record with a 1e300 timestamp as rejected, by index and reason, and stores its batch-mates", async () => {
    const batch = [
      { message: "range-good-0", src_ip: "192.0.2.1" },
      { message: "range-poison", timestamp: 1e300 },
      { message: "range-good-2", timestamp: "1950-01-01T00:00:00Z" },
      { message: "range-good-3" },
    ];
    const res = await t.api("POST", "/api/v1/ingest/batch", batch, key);
    expect(res.status, res.text).toBe(200);
    const reply = res.json() as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(reply.accepted).toBe(2);
    expect(reply.rejected.map((r) => r.index)).toEqual([1, 2]);
    for (const r of reply.rejected) expect(r.reason).toMatch(/timestamp .* out of range/);
    // A 2xx means stored: the accepted ones are there, the rejected ones are not.
    const items = await eventually(async () => {
      const found = await list("q=range-");
      return found.length >= 2 ? found : undefined;
    });
    expect(items.map((e) => e.message).sort()).toEqual(["range-good-0", "range-good-3"]);
  });

  it("answers a single such record 400 naming the field", async () => {
    const res = await t.api("POST", "/api/v1/ingest", { message: "x", timestamp: 1e300 }, key);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/timestamp/);
  });
});

describe("very large lines", () => {
  it("keeps GET /api/v1/events answering after 20 syslog lines of 4 MB, with excerpts; the detail has them whole", async () => {
    const now = new Date().toISOString();
    const line = (i: number) => `<13>1 ${now} host app - - - bigline-${i} ${"x".repeat(4 << 20)}`;
    const socket = await connect("tcp", t.syslogPort);
    for (let i = 0; i < 20; i++) await write(socket, `${line(i)}\n`);
    await end(socket);

    const items = await eventually(async () => {
      const found = (await list("q=bigline-")).filter((e) => e.raw_log.includes("bigline-"));
      return found.length >= 20 ? found : undefined;
    }, 90_000);
    expect(items).toHaveLength(20);
    for (const e of items) {
      expect(e.truncated).toBe(true);
      expect(e.raw_log.length).toBe(2048);
      expect(e.message.length).toBeLessThanOrEqual(2048);
    }
    // Unfiltered first page too (the case that answered 500).
    expect((await list("")).length).toBeGreaterThan(0);

    const first = items[0] as ListedEvent;
    const detail = await t.api("GET", `/api/v1/events/${first.event_id}`, undefined, t.adminToken);
    expect(detail.status).toBe(200);
    const full = (detail.json() as { event: ListedEvent }).event;
    const i = Number(/bigline-(\d+) /.exec(first.raw_log)?.[1]);
    expect(full.raw_log.length).toBe(line(i).length);
    expect(full.truncated).toBeUndefined();
  }, 180_000);
});
