import { describe, expect, it } from "vitest";
import {
  dashboardRange,
  firstEventOf,
  fitWindowMs,
  rangeFilters,
  windowLabel,
  zoomParams,
} from "./dashboard-range.js";

const MIN = 60_000;
const NOW = Date.now();

describe("dashboard range", () => {
  it("fits a young install's data: 20 minutes of events get a 30 minute window", () => {
    expect(windowLabel(fitWindowMs(NOW - 20 * MIN, NOW))).toBe("30m");
    expect(windowLabel(fitWindowMs(NOW - 5 * MIN, NOW))).toBe("15m");
    expect(windowLabel(fitWindowMs(NOW - 100 * MIN, NOW))).toBe("3h");
  });

  it("never fits more than 24 h, and uses 24 h without data", () => {
    expect(windowLabel(fitWindowMs(NOW - 30 * 24 * 60 * MIN, NOW))).toBe("24h");
    expect(windowLabel(fitWindowMs(null, NOW))).toBe("24h");
  });

  it("prefers the URL: a preset, then a zoom, then the fitted default", () => {
    expect(dashboardRange(new URLSearchParams("range=7d"), NOW - MIN, NOW)).toEqual({
      kind: "preset",
      range: "7d",
    });
    const from = new Date(NOW - 10 * MIN).toISOString();
    const to = new Date(NOW - 5 * MIN).toISOString();
    const zoomed = new URLSearchParams({ from, to });
    expect(dashboardRange(zoomed, null, NOW)).toEqual({ kind: "zoom", from, to });
    expect(dashboardRange(new URLSearchParams(), NOW - 20 * MIN, NOW)).toEqual({
      kind: "fitted",
      windowMs: 30 * MIN,
    });
  });

  it("turns the fitted window into a range from a fixed start up to now", () => {
    expect(rangeFilters({ kind: "fitted", windowMs: 30 * MIN }, NOW)).toEqual({
      range: "custom",
      from: new Date(NOW - 30 * MIN).toISOString(),
      to: "",
    });
  });

  it("writes a zoom into the URL, keeping the site and dropping the preset", () => {
    const next = zoomParams(new URLSearchParams("site=paris&range=24h"), NOW - 10 * MIN + 400, NOW - 400);
    expect(next.get("site")).toBe("paris");
    expect(next.get("range")).toBeNull();
    expect(Date.parse(next.get("from") ?? "") % 1000).toBe(0);
    expect(Date.parse(next.get("to") ?? "")).toBeGreaterThanOrEqual(NOW - 400);
  });

  it("takes the first event of the chosen site, or of all sites", () => {
    const sites = [
      { site: "a", first_event: new Date(NOW - 5 * MIN).toISOString() },
      { site: "b", first_event: new Date(NOW - 50 * MIN).toISOString() },
    ];
    expect(firstEventOf(sites, "")).toBe(NOW - 50 * MIN);
    expect(firstEventOf(sites, "a")).toBe(NOW - 5 * MIN);
    expect(firstEventOf([], "")).toBeNull();
  });
});
