import { describe, expect, it } from "vitest";
import type { Event } from "./event.js";
import {
  cleanText,
  isWellFormed,
  MAX_FUTURE_MS,
  MAX_LONG_TEXT_CHARS,
  MAX_PAST_MS,
  MAX_TEXT_CHARS,
  sanitiseEvent,
  sanitiseModSec,
  timeInWindow,
} from "./event-validate.js";
import { eventRow, finishEvent } from "./normalise.js";
import { finishModSec } from "./pipeline.js";
import { checkEventRow, checkModSecRow } from "./row-check.js";

const now = Date.now();
const origin = { site: "s", sender: "t" };
const event = (over: Partial<Event> = {}): Event => ({
  ...finishEvent({ source_type: "json", raw_log: "x", message: "x" }, origin, null, now),
  ...over,
});

describe("timeInWindow", () => {
  it("takes times from ten years back to a day ahead of the receive time", () => {
    expect(timeInWindow(now, now)).toBe(true);
    expect(timeInWindow(now - MAX_PAST_MS + 1, now)).toBe(true);
    expect(timeInWindow(now + MAX_FUTURE_MS, now)).toBe(true);
    expect(timeInWindow(now - MAX_PAST_MS - 1, now)).toBe(false);
    expect(timeInWindow(now + MAX_FUTURE_MS + 1, now)).toBe(false);
    for (const bad of [1e300, -1, Number.NaN, Number.POSITIVE_INFINITY, now + 0.5]) {
      expect(timeInWindow(bad, now)).toBe(false);
    }
  });
});

describe("sanitiseEvent", () => {
  it("replaces an impossible timestamp by the receive time, flags it and keeps raw_log", () => {
    const e = event({ timestamp: 1e300, raw_log: '{"timestamp":1e300}' });
    const problems = sanitiseEvent(e, now);
    expect(e.timestamp).toBe(now);
    expect(e.raw_log).toBe('{"timestamp":1e300}');
    expect(problems.join()).toMatch(/timestamp .* out of range; receive time used/);
    expect(checkEventRow(eventRow(e))).toBeNull();
  });

  it("flags a time before 1970 or after 2106 (out of any query's reach)", () => {
    for (const ts of [Date.UTC(1969, 0, 1), Date.UTC(2107, 0, 1)]) {
      const e = event({ timestamp: ts });
      expect(sanitiseEvent(e, now)).toHaveLength(1);
      expect(e.timestamp).toBe(now);
    }
  });

  it("brings numbers into their column's range", () => {
    const e = event({ src_port: 70_000, dst_port: -1, http_status: 1.5, geo_asn: 2 ** 33, geo_lat: 1e300 });
    const problems = sanitiseEvent(e, now);
    expect([e.src_port, e.dst_port, e.http_status, e.geo_asn, e.geo_lat]).toEqual([0, 0, 0, 0, 0]);
    expect(problems).toHaveLength(5);
    expect(checkEventRow(eventRow(e))).toBeNull();
  });

  it("replaces NUL and lone surrogates, bounds lengths, and keeps NUL in raw_log", () => {
    const e = event({
      user_name: "a\0b",
      url: "x\uD800y",
      hostname: "h".repeat(MAX_TEXT_CHARS + 10),
      message: "m".repeat(MAX_LONG_TEXT_CHARS + 1),
      raw_log: "raw\0line",
      metadata: { "k\0": "v\uDC00" },
      modsec_rule_ids: ["1\0"],
    });
    const problems = sanitiseEvent(e, now);
    expect(e.user_name).toBe("a\uFFFDb");
    expect(e.url).toBe("x\uFFFDy");
    expect(e.hostname).toHaveLength(MAX_TEXT_CHARS);
    expect(e.message).toHaveLength(MAX_LONG_TEXT_CHARS);
    expect(e.raw_log).toBe("raw\0line");
    expect(e.metadata).toEqual({ "k\uFFFD": "v\uFFFD" });
    expect(e.modsec_rule_ids).toEqual(["1\uFFFD"]);
    expect(problems.join("; ")).toMatch(/NUL replaced/);
    expect(problems.join("; ")).toMatch(/cut at the size limit/);
    expect(checkEventRow(eventRow(e))).toBeNull();
  });

  it("changes nothing in a good event", () => {
    const e = event({ src_port: 443, http_status: 200, geo_lat: 48.8, metadata: { a: "b" } });
    const before = { ...e };
    expect(sanitiseEvent(e, now)).toEqual([]);
    expect(e).toEqual(before);
  });

  it("is applied by finishEvent, which records what it changed in parse_error", () => {
    const e = finishEvent(
      { source_type: "json", raw_log: "r", timestamp: 1e300, parse_error: "parser said" },
      origin,
      null,
      now,
    );
    expect(e.timestamp).toBe(now);
    expect(e.parse_error).toMatch(/^parser said; timestamp .* out of range/);
  });
});

describe("cleanText / isWellFormed", () => {
  it("does not cut a surrogate pair in half", () => {
    const { text, fixes } = cleanText("ab😀", 3);
    expect(text).toBe("ab");
    expect(fixes).toEqual(["length"]);
    expect(isWellFormed("😀")).toBe(true);
    expect(isWellFormed("\uD83D")).toBe(false);
  });
});

describe("sanitiseModSec", () => {
  it("brings a ModSecurity row into its columns' ranges", () => {
    const r = finishModSec(
      { raw_log: "x", timestamp: 1e300, paranoia_level: 300, anomaly_score: -4, src_port: 1e9 },
      "s",
      now,
    );
    expect([r.timestamp, r.paranoia_level, r.anomaly_score, r.src_port]).toEqual([now, 0, 0, 0]);
    expect(sanitiseModSec(r, now)).toEqual([]);
    expect(checkModSecRow(JSON.stringify(r))).toBeNull();
  });
});

describe("row checks (what the writer runs over a refused batch)", () => {
  it("names the column ClickHouse would refuse", () => {
    const e = event();
    expect(checkEventRow(eventRow(e))).toBeNull();
    expect(checkEventRow(eventRow({ ...e, timestamp: 1e300 }))).toMatch(/^timestamp: 1e\+300 is not a time/);
    expect(checkEventRow(eventRow({ ...e, src_port: 65_536 }))).toMatch(/^src_port: .* not a uint16/);
    expect(checkEventRow(eventRow({ ...e, url: "\uD800" }))).toMatch(/^url:/);
    expect(checkEventRow("not json")).toMatch(/^not JSON/);
    expect(checkEventRow("[1,2]")).toMatch(/expected \d+ values/);
    expect(checkModSecRow(JSON.stringify({ id: "x" }))).toMatch(/^id: .* not a UUID/);
  });
});
