import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS } from "../filters/filters.js";
import {
  DEFAULT_LIMIT,
  huntFromSearch,
  huntToSearch,
  huntWindow,
  rangeForDays,
  workbenchLink,
} from "./hunt-url.js";

describe("hunt URL", () => {
  it("round-trips a query, a range and a limit", () => {
    const state = { query: 'Events | where a == "b"', range: "7d" as const, from: "", to: "", limit: 50 };
    expect(huntFromSearch(huntToSearch(state))).toEqual(state);
  });

  it("falls back to the defaults on a bad range or limit", () => {
    const state = huntFromSearch(new URLSearchParams("range=2y&limit=0"));
    expect(state.range).toBe("24h");
    expect(state.limit).toBe(DEFAULT_LIMIT);
  });

  it("reads a custom window", () => {
    const from = new Date(Date.now() - 7200_000).toISOString();
    expect(huntFromSearch(new URLSearchParams({ from })).range).toBe("custom");
  });

  it("resolves 30 days", () => {
    const now = Date.now();
    const w = huntWindow({ range: "30d", from: "", to: "" }, now);
    expect(Date.parse(w.to) - Date.parse(w.from)).toBe(30 * 24 * 3600_000);
  });

  it("picks a preset for a template's days", () => {
    expect(rangeForDays(1)).toBe("24h");
    expect(rangeForDays(30)).toBe("30d");
  });

  it("links the explorer's filters and range to the workbench", () => {
    const link = workbenchLink({ ...EMPTY_FILTERS, severity: [], range: "7d", action: "drop" });
    const params = new URLSearchParams(link.split("?")[1]);
    expect(link.startsWith("/hunt?")).toBe(true);
    expect(params.get("range")).toBe("7d");
    expect(params.get("q")).toContain('| where action == "drop"');
  });
});
