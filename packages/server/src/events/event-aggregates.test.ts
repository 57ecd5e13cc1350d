import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Event, SEVERITIES } from "../ingest/event.js";
import { type EventFilter, parseEventFilter } from "../query/event-filter.js";
import { silentLog } from "../storage/clickhouse-log.js";
import type { EventStore } from "../storage/event-store.js";
import { createEventStore } from "../storage/event-store-factory.js";
import { countryCentroid } from "./country-centroids.js";
import { createEventRepository, type EventRepository, TOP_DIMENSIONS } from "./event-repository.js";
import { isHostile } from "./hostile-events.js";
import { makeEventSet, toJsonEachRow } from "./test-events.js";

const HOUR = 3600_000;
// A whole hour as the end, so bucket edges are easy to reason about.
const END = Math.floor(Date.now() / HOUR) * HOUR;
const dir = mkdtempSync(join(tmpdir(), "vigil-events-agg-"));
let store: EventStore;
let repo: EventRepository;
const all: Event[] = makeEventSet(2000, END, 26 * HOUR, 11);
const filter = (q: Record<string, string> = {}): EventFilter =>
  parseEventFilter({ from: new Date(END - 24 * HOUR).toISOString(), to: new Date(END).toISOString(), ...q });
const inDay = all.filter((e) => e.timestamp >= END - 24 * HOUR && e.timestamp < END);

function countBy(xs: Event[], key: (e: Event) => string): { key: string; count: number }[] {
  const m = new Map<string, number>();
  for (const e of xs) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
  return [...m]
    .map(([k, count]) => ({ key: k, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}

beforeAll(async () => {
  store = await createEventStore({
    dataDir: dir,
    log: silentLog,
    retention: { eventsDays: 30, modsecDays: 30 },
  });
  await store.insertJsonEachRow("events", toJsonEachRow(all));
  repo = createEventRepository(store);
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("stats", () => {
  it("equals the counts computed over the inserted events", async () => {
    const s = await repo.stats(filter());
    expect(s.total).toBe(inDay.length);
    expect(s.by_log_type).toEqual(countBy(inDay, (e) => e.log_type));
    expect(s.by_severity).toEqual(countBy(inDay, (e) => e.severity));
    expect(s.by_action).toEqual(countBy(inDay, (e) => e.action));
    expect(s.by_site).toEqual(countBy(inDay, (e) => e.site));
    expect(s.unique_src_ips).toBe(new Set(inDay.map((e) => e.src_ip).filter((ip) => ip !== "")).size);
  });

  it("follows the filter", async () => {
    const s = await repo.stats(filter({ site: "lyon", severity: "critical" }));
    const expected = inDay.filter((e) => e.site === "lyon" && e.severity === "critical");
    expect(s.total).toBe(expected.length);
    expect(s.by_site).toEqual([{ key: "lyon", count: expected.length }]);
    expect(s.by_log_type).toEqual(countBy(expected, (e) => e.log_type));
  });

  it("is exact for a range cut mid-hour at both ends (projection for whole hours, rows for the edges)", async () => {
    const from = END - 5.5 * HOUR + 17_123;
    const to = END - 20 * 60_000 + 3;
    const s = await repo.stats(
      parseEventFilter({
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        site: "paris,lyon",
      }),
    );
    const expected = all.filter((e) => e.timestamp >= from && e.timestamp < to && e.site !== "madrid");
    expect(s.total).toBe(expected.length);
    expect(s.by_severity).toEqual(countBy(expected, (e) => e.severity));
    expect(s.by_site).toEqual(countBy(expected, (e) => e.site));
    expect(s.by_action).toEqual(countBy(expected, (e) => e.action));
  });

  it("is exact with filters the projection cannot answer (country, CIDR, text)", async () => {
    const s = await repo.stats(filter({ country: "CN,RU", src_ip: "203.0.113.0/24", q: "packet" }));
    const expected = inDay.filter(
      (e) =>
        ["CN", "RU"].includes(e.geo_country) &&
        e.src_ip.startsWith("203.0.113.") &&
        /packet/i.test(`${e.message}\n${e.url}\n${e.raw_log}`),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(s.total).toBe(expected.length);
    expect(s.by_log_type).toEqual(countBy(expected, (e) => e.log_type));
    expect(s.by_site).toEqual(countBy(expected, (e) => e.site));
    expect(s.unique_src_ips).toBe(new Set(expected.map((e) => e.src_ip)).size);
  });

  it("is all zeros for an empty range", async () => {
    const s = await repo.stats(
      parseEventFilter({ from: "2001-01-01T00:00:00Z", to: "2001-01-02T00:00:00Z" }),
    );
    expect(s).toEqual({
      total: 0,
      by_log_type: [],
      by_severity: [],
      by_action: [],
      by_site: [],
      unique_src_ips: 0,
    });
  });
});

describe("timeline", () => {
  it("gives 96 zero-filled 15-minute buckets for a day, counts per severity matching the events", async () => {
    const t = await repo.timeline(filter());
    expect(t.bucket_seconds).toBe(900);
    expect(t.buckets).toHaveLength(96);
    expect(t.buckets[0]?.t).toBe(new Date(END - 24 * HOUR).toISOString());
    for (const [i, b] of t.buckets.entries()) {
      const start = END - 24 * HOUR + i * 900_000;
      const inBucket = inDay.filter((e) => e.timestamp >= start && e.timestamp < start + 900_000);
      expect(b.count).toBe(inBucket.length);
      for (const sev of SEVERITIES)
        expect(b.by_severity[sev]).toBe(inBucket.filter((e) => e.severity === sev).length);
    }
    expect(t.buckets.reduce((s, b) => s + b.count, 0)).toBe(inDay.length);
  });

  it("picks the bucket from the range: 1 hour → 30 s, 7 days → 3 h", async () => {
    const hour = await repo.timeline(
      parseEventFilter({ from: new Date(END - HOUR).toISOString(), to: new Date(END).toISOString() }),
    );
    expect(hour.bucket_seconds).toBe(30);
    expect(hour.buckets).toHaveLength(120);
    expect(hour.buckets.reduce((s, b) => s + b.count, 0)).toBe(
      all.filter((e) => e.timestamp >= END - HOUR && e.timestamp < END).length,
    );
    const week = await repo.timeline(
      parseEventFilter({
        from: new Date(END - 7 * 24 * HOUR).toISOString(),
        to: new Date(END).toISOString(),
      }),
    );
    expect(week.bucket_seconds).toBe(10_800);
    expect(week.buckets.reduce((s, b) => s + b.count, 0)).toBe(all.length);
  });
});

describe("top", () => {
  const keyOf: Record<(typeof TOP_DIMENSIONS)[number], (e: Event) => string> = {
    src_ip: (e) => e.src_ip,
    attacker: (e) => (isHostile(e) ? e.src_ip : ""),
    country: (e) => e.geo_country,
    rule: (e) => e.rule_id,
    dst_ip: (e) => e.dst_ip,
    hostname: (e) => e.hostname,
    user_agent: (e) => e.user_agent,
  };
  it.each(TOP_DIMENSIONS)(
    "%s counts equal the events', largest first, empty values left out",
    async (dim) => {
      const items = await repo.top(filter(), dim, 3);
      const expected = countBy(
        inDay.filter((e) => keyOf[dim](e) !== ""),
        keyOf[dim],
      ).slice(0, 3);
      expect(items.map(({ key, count }) => ({ key, count }))).toEqual(expected);
    },
  );

  it("labels countries with their name and rules with their rule name", async () => {
    const [country] = await repo.top(filter({ country: "FR" }), "country", 10);
    expect(country).toMatchObject({ key: "FR", label: "France" });
    const [rule] = await repo.top(filter(), "rule", 1);
    expect(rule?.label).toBe("Rule");
  });
});

describe("geo", () => {
  it("counts per country, placed on the country's centroid", async () => {
    const items = await repo.geo(filter());
    const expected = countBy(
      inDay.filter((e) => e.geo_country !== ""),
      (e) => e.geo_country,
    );
    expect(items.map(({ country, count }) => ({ key: country, count }))).toEqual(expected);
    const us = items.find((i) => i.country === "US");
    expect(us).toMatchObject({ lat: countryCentroid("US")?.lat, lon: countryCentroid("US")?.lon });
  });
});

describe("sites", () => {
  it("lists every site with its event count and last event", async () => {
    const items = await repo.sites();
    const expected = countBy(all, (e) => e.site).sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(items.map((s) => ({ key: s.site, count: s.event_count }))).toEqual(expected);
    const lyonLast = Math.max(...all.filter((e) => e.site === "lyon").map((e) => e.timestamp));
    expect(items.find((s) => s.site === "lyon")?.last_event).toBe(new Date(lyonLast).toISOString());
    const lyonFirst = Math.min(...all.filter((e) => e.site === "lyon").map((e) => e.timestamp));
    expect(items.find((s) => s.site === "lyon")?.first_event).toBe(new Date(lyonFirst).toISOString());
    expect((await repo.sites(["lyon"])).map((s) => s.site)).toEqual(["lyon"]);
  });
});
