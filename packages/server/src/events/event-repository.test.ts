import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Event } from "../ingest/event.js";
import { type EventFilter, parseEventFilter } from "../query/event-filter.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { createEventRepository, type EventRepository } from "./event-repository.js";
import { makeEvent, makeEventSet, makeModSec, toJsonEachRow } from "./test-events.js";

const NOW = Date.now();
const HOUR = 3600_000;
const dir = mkdtempSync(join(tmpdir(), "vigil-events-repo-"));
let store: EventStore;
let repo: EventRepository;
// 500 varied events in the last 6 hours, plus a few hand-made ones the filters must single out.
const events: Event[] = makeEventSet(500, NOW, 6 * HOUR, 7);
const special = {
  v6: makeEvent({ timestamp: NOW - 2 * HOUR, src_ip: "2001:db8:abcd::42", site: "lyon", geo_country: "JP" }),
  old: makeEvent({ timestamp: NOW - 30 * HOUR, site: "paris", message: "from yesterday" }),
  waf: makeEvent({
    timestamp: NOW - HOUR,
    log_type: "WAF",
    source_type: "modsecurity",
    src_ip: "198.51.100.200",
    url: "/search?q=<script>",
    message: "XSS blocked",
    unique_id: "aZx9-unique-1",
    modsec_rule_ids: ["941100", "949110"],
    severity: "critical",
  }),
};
const all = [...events, ...Object.values(special)];
const inDay = all.filter((e) => e.timestamp >= NOW - 24 * HOUR);

const filter = (q: Record<string, string> = {}): EventFilter => parseEventFilter(q, NOW + 1);

async function walk(f: EventFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await repo.list(f, limit, cursor);
    ids.push(...page.items.map((e) => e.event_id));
    if (page.next_cursor === null) return ids;
    cursor = page.next_cursor;
  }
  throw new Error("pagination did not end");
}

const newestFirst = (a: Event, b: Event) => b.timestamp - a.timestamp;
const idsOf = (xs: Event[]) => xs.map((e) => e.event_id).sort();

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  await store.insertJsonEachRow("events", toJsonEachRow(all));
  const uid = special.waf.unique_id;
  await store.insertJsonEachRow(
    "modsec_logs",
    toJsonEachRow([
      makeModSec({ unique_id: uid, timestamp: special.waf.timestamp, rule_id: "941100", attack_type: "xss" }),
      makeModSec({
        unique_id: uid,
        timestamp: special.waf.timestamp + 1,
        rule_id: "949110",
        is_blocking: true,
      }),
      // Same unique_id but another site, and one far outside the event's window: neither belongs to it.
      makeModSec({ unique_id: uid, timestamp: special.waf.timestamp, site: "lyon", rule_id: "1" }),
      makeModSec({ unique_id: uid, timestamp: special.waf.timestamp - 5 * HOUR, rule_id: "2" }),
    ]),
  );
  repo = createEventRepository(store);
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("event list", () => {
  it("walks every event of the range exactly once, newest first, across ties on the same ms", async () => {
    const ids = await walk(filter(), 37);
    expect(ids).toHaveLength(inDay.length);
    expect(new Set(ids).size).toBe(inDay.length);
    expect([...ids].sort()).toEqual(idsOf(inDay));
    const first = await repo.list(filter(), 10, null);
    const times = first.items.map((e) => Date.parse(e.timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(first.items[0]?.timestamp).toBe(
      new Date([...inDay].sort(newestFirst)[0]?.timestamp ?? 0).toISOString(),
    );
  });

  it("returns events with the Event fields and types", async () => {
    const page = await repo.list(filter({ src_ip: "198.51.100.200" }), 5, null);
    expect(page.items).toHaveLength(1);
    const { timestamp, ...rest } = special.waf;
    expect(page.items[0]).toEqual({ ...rest, timestamp: new Date(timestamp).toISOString() });
    expect(page.next_cursor).toBeNull();
  });

  it("stays stable when newer events arrive between pages: no duplicates, no gaps", async () => {
    const f = filter({ site: "madrid" });
    const expected = idsOf(inDay.filter((e) => e.site === "madrid"));
    const ids: string[] = [];
    let page = await repo.list(f, 20, null);
    ids.push(...page.items.map((e) => e.event_id));
    const late = [
      makeEvent({ site: "madrid", timestamp: NOW - 1 }),
      makeEvent({ site: "madrid", timestamp: NOW }),
    ];
    await store.insertJsonEachRow("events", toJsonEachRow(late));
    while (page.next_cursor !== null) {
      page = await repo.list(f, 20, page.next_cursor);
      ids.push(...page.items.map((e) => e.event_id));
    }
    expect([...ids].sort()).toEqual(expected);
    await store.exec(
      "ALTER TABLE events DELETE WHERE event_id IN {ids:Array(UUID)} SETTINGS mutations_sync = 1",
      {
        ids: late.map((e) => e.event_id),
      },
    );
  });

  it("refuses a cursor it did not make", async () => {
    await expect(repo.list(filter(), 10, "bm90LWEtY3Vyc29y")).rejects.toThrow("cursor: not a cursor");
  });
});

describe("event filters", () => {
  const cases: [string, Record<string, string>, (e: Event) => boolean][] = [
    ["site", { site: "lyon" }, (e) => e.site === "lyon"],
    ["site list", { site: "lyon,madrid" }, (e) => e.site === "lyon" || e.site === "madrid"],
    ["log_type list", { log_type: "WAF,VPN" }, (e) => e.log_type === "WAF" || e.log_type === "VPN"],
    ["severity", { severity: "critical,high" }, (e) => e.severity === "critical" || e.severity === "high"],
    ["action", { action: "drop" }, (e) => e.action === "drop"],
    ["src_ip v4", { src_ip: "203.0.113.77" }, (e) => e.src_ip === "203.0.113.77"],
    ["src_ip v4 CIDR", { src_ip: "10.0.0.0/8" }, (e) => e.src_ip.startsWith("10.")],
    ["src_ip v6 non-canonical", { src_ip: "2001:0db8:0:0::5" }, (e) => e.src_ip === "2001:db8::5"],
    ["src_ip v6 CIDR", { src_ip: "2001:db8::/32" }, (e) => e.src_ip.startsWith("2001:db8:")],
    ["src_ip v6 /48", { src_ip: "2001:db8:abcd::/48" }, (e) => e.src_ip.startsWith("2001:db8:abcd:")],
    [
      "src_ip mixed",
      { src_ip: "198.51.100.0/24,10.1.2.3" },
      (e) => e.src_ip.startsWith("198.51.100.") || e.src_ip === "10.1.2.3",
    ],
    ["dst_ip v6", { dst_ip: "2001:db8:ff::/48" }, (e) => e.dst_ip === "2001:db8:ff::1"],
    ["country", { country: "fr,jp" }, (e) => e.geo_country === "FR" || e.geo_country === "JP"],
    [
      "rule_id incl. modsec ids",
      { rule_id: "1002,949110" },
      (e) => e.rule_id === "1002" || e.modsec_rule_ids.includes("949110"),
    ],
    ["source_type", { source_type: "modsecurity" }, (e) => e.source_type === "modsecurity"],
    ["q in message, any case", { q: "xss" }, (e) => /xss/i.test(`${e.message}\n${e.url}\n${e.raw_log}`)],
    ["q in url", { q: "WP-ADMIN" }, (e) => /wp-admin/i.test(`${e.message}\n${e.url}\n${e.raw_log}`)],
    ["q in raw_log", { q: "N=42" }, (e) => e.raw_log.includes("n=42")],
    [
      "combined",
      { site: "paris", severity: "low,info", src_ip: "203.0.113.0/24" },
      (e) => e.site === "paris" && ["low", "info"].includes(e.severity) && e.src_ip.startsWith("203.0.113."),
    ],
  ];
  it.each(cases)("%s narrows to exactly the matching events", async (_name, q, match) => {
    const expected = idsOf(inDay.filter(match));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(inDay.length);
    expect((await walk(filter(q), 1000)).sort()).toEqual(expected);
  });

  it("narrows by time range", async () => {
    const f = filter({
      from: new Date(NOW - 32 * HOUR).toISOString(),
      to: new Date(NOW - 3 * HOUR).toISOString(),
    });
    const expected = idsOf(all.filter((e) => e.timestamp >= NOW - 32 * HOUR && e.timestamp < NOW - 3 * HOUR));
    expect((await walk(f, 1000)).sort()).toEqual(expected);
    expect(expected).toContain(special.old.event_id);
  });

  it("treats SQL-looking input as plain values", async () => {
    const inputs: Record<string, string>[] = [
      { q: "' OR 1=1 --" },
      { site: "x' OR '1'='1" },
      { log_type: "WAF') OR ('1'='1" },
      { rule_id: "1); DROP TABLE events; --" },
      { q: "{f_from:String}" },
    ];
    for (const q of inputs) {
      expect(await repo.list(filter(q), 10, null)).toEqual({ items: [], next_cursor: null });
    }
    expect((await repo.stats(filter())).total).toBe(inDay.length);
  });

  it("a site scope hides other sites whatever the caller asks for", async () => {
    const scoped = { ...filter({ site: "lyon,paris" }), scopeSites: ["lyon"] };
    expect((await walk(scoped, 1000)).sort()).toEqual(idsOf(inDay.filter((e) => e.site === "lyon")));
    expect((await repo.stats({ ...filter({ site: "paris" }), scopeSites: ["lyon"] })).total).toBe(0);
    // A client with no sites yet sees nothing at all.
    expect((await repo.stats({ ...filter(), scopeSites: [] })).total).toBe(0);
  });
});

describe("event detail", () => {
  it("returns the event with its ModSecurity rows of the same site and time", async () => {
    const found = await repo.get(special.waf.event_id);
    expect(found?.event.event_id).toBe(special.waf.event_id);
    expect(found?.modsec.map((m) => m.rule_id)).toEqual(["941100", "949110"]);
    expect(found?.modsec[1]).toMatchObject({ is_blocking: true, tags: ["attack-sqli"], paranoia_level: 1 });
    expect(found?.modsec[0]?.timestamp).toBe(new Date(special.waf.timestamp).toISOString());
  });

  it("returns null for unknown, malformed or out-of-scope ids", async () => {
    expect(await repo.get("0190a0a0-0000-7000-8000-000000000001")).toBeNull();
    expect(await repo.get("' OR 1=1 --")).toBeNull();
    expect(await repo.get(special.waf.event_id, ["lyon"])).toBeNull();
    expect((await repo.get(special.v6.event_id))?.modsec).toEqual([]);
  });
});
