import { describe, expect, it } from "vitest";
import { FEED_CAP, matchesSite, prependCapped, RecentEvents } from "./feed-buffer.js";

const ev = (id: number) => ({ event_id: `e${id}`, site: id % 2 ? "odd" : "even" });

describe("live feed buffer", () => {
  it("puts the newest arrival at the top", () => {
    const rows = prependCapped([ev(2), ev(1)], [ev(3), ev(4)]);
    expect(rows.map((r) => r.event_id)).toEqual(["e4", "e3", "e2", "e1"]);
  });

  it("never grows beyond the cap, dropping the oldest rows", () => {
    let rows: Array<ReturnType<typeof ev>> = [];
    for (let i = 0; i < 500; i++) rows = prependCapped(rows, [ev(i)]);
    expect(rows).toHaveLength(FEED_CAP);
    expect(rows[0]?.event_id).toBe("e499");
    expect(rows[FEED_CAP - 1]?.event_id).toBe(`e${500 - FEED_CAP}`);
  });

  it("shows an event once even if the server repeats it", () => {
    expect(prependCapped([ev(1)], [ev(1), ev(2), ev(2)]).map((r) => r.event_id)).toEqual(["e2", "e1"]);
  });

  it("keeps only the chosen site's events; no site means all", () => {
    expect(matchesSite(ev(1), "odd")).toBe(true);
    expect(matchesSite(ev(2), "odd")).toBe(false);
    expect(matchesSite(ev(2), "")).toBe(true);
  });
});

describe("recent live events", () => {
  it("gives the newest first, capped, however many arrived", () => {
    const recent = new RecentEvents<ReturnType<typeof ev>>(3);
    for (let i = 0; i < 10; i++) recent.add(ev(i));
    expect(recent.snapshot().map((r) => r.event_id)).toEqual(["e9", "e8", "e7"]);
    recent.clear();
    expect(recent.snapshot()).toEqual([]);
  });
});
