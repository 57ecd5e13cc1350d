import { describe, expect, it } from "vitest";
import { inferYear, wallClockToUtc, zoneOffsetMs } from "./time.js";

describe("wall-clock time to UTC", () => {
  it("reads a Paris summer time as UTC+2 and a winter time as UTC+1", () => {
    expect(new Date(wallClockToUtc("Europe/Paris", 2024, 7, 1, 12, 0, 0)).toISOString()).toBe(
      "2024-07-01T10:00:00.000Z",
    );
    expect(new Date(wallClockToUtc("Europe/Paris", 2024, 1, 15, 12, 0, 0)).toISOString()).toBe(
      "2024-01-15T11:00:00.000Z",
    );
  });
  it("leaves UTC alone and handles zones west of Greenwich", () => {
    expect(new Date(wallClockToUtc("UTC", 2024, 3, 1, 8, 30, 5)).toISOString()).toBe(
      "2024-03-01T08:30:05.000Z",
    );
    expect(zoneOffsetMs("America/New_York", Date.UTC(2024, 0, 10))).toBe(-5 * 3600_000);
  });
  it("puts a December line received in January in the previous year", () => {
    expect(inferYear(12, 31, Date.UTC(2025, 0, 1, 0, 5))).toBe(2024);
    expect(inferYear(1, 1, Date.UTC(2025, 0, 1, 0, 5))).toBe(2025);
  });
});
