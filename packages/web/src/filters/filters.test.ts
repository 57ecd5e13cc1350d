import { describe, expect, it } from "vitest";
import {
  activeFilterCount,
  EMPTY_FILTERS,
  type EventFilters,
  filtersFromSearch,
  filtersToApi,
  filtersToSearch,
  isIpOrCidr,
  resolveRange,
} from "./filters.js";

const NOW = Date.parse("2024-05-01T12:00:00.000Z");

describe("explorer filters in the URL", () => {
  it("round-trips every filter through the query string, so a copied link shows the same view", () => {
    const filters: EventFilters = {
      ...EMPTY_FILTERS,
      range: "1h",
      site: "paris",
      log_type: "WAF",
      severity: ["critical", "high"],
      action: "drop",
      src_ip: "203.0.113.0/24",
      dst_ip: "10.0.0.5",
      country: "CN",
      rule_id: "942100",
      q: "union select",
    };
    const search = filtersToSearch(filters).toString();
    expect(search).toContain("severity=critical%2Chigh");
    expect(filtersFromSearch(new URLSearchParams(search))).toEqual(filters);
  });

  it("keeps links short: the default range and empty filters are left out", () => {
    expect(filtersToSearch(EMPTY_FILTERS).toString()).toBe("");
    expect(filtersToSearch({ ...EMPTY_FILTERS, q: "  " }).toString()).toBe("");
  });

  it("ignores unknown severities and ranges from a hand-edited URL", () => {
    const filters = filtersFromSearch(new URLSearchParams("range=3y&severity=high,bogus,,info"));
    expect(filters.range).toBe("24h");
    expect(filters.severity).toEqual(["high", "info"]);
  });

  it("reads from/to as a custom range", () => {
    const filters = filtersFromSearch(
      new URLSearchParams("from=2024-04-30T00:00:00.000Z&to=2024-04-30T06:00:00.000Z"),
    );
    expect(filters.range).toBe("custom");
    expect(filtersToSearch(filters).toString()).toBe(
      "from=2024-04-30T00%3A00%3A00.000Z&to=2024-04-30T06%3A00%3A00.000Z",
    );
  });

  it("counts active filters beyond the time range", () => {
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
    expect(activeFilterCount({ ...EMPTY_FILTERS, site: "a", severity: ["high"] })).toBe(2);
  });
});

describe("API parameters", () => {
  it("turns a preset range into absolute from/to at the given time", () => {
    expect(resolveRange({ range: "15m", from: "", to: "" }, NOW)).toEqual({
      from: "2024-05-01T11:45:00.000Z",
      to: "2024-05-01T12:00:00.000Z",
    });
    expect(resolveRange({ range: "7d", from: "", to: "" }, NOW).from).toBe("2024-04-24T12:00:00.000Z");
  });

  it("runs an open-ended custom range up to now", () => {
    expect(resolveRange({ range: "custom", from: "2024-04-30T00:00:00Z", to: "" }, NOW)).toEqual({
      from: "2024-04-30T00:00:00.000Z",
      to: "2024-05-01T12:00:00.000Z",
    });
  });

  it("sends multi-valued filters comma-separated and leaves empty ones out", () => {
    const params = filtersToApi(
      { ...EMPTY_FILTERS, severity: ["critical", "high"], src_ip: " 1.2.3.4 " },
      NOW,
    );
    expect(params.get("severity")).toBe("critical,high");
    expect(params.get("src_ip")).toBe("1.2.3.4");
    expect(params.has("q")).toBe(false);
    expect(params.get("from")).toBe("2024-04-30T12:00:00.000Z");
  });
});

describe("IP / CIDR hint", () => {
  it.each([
    "10.0.0.1",
    "10.0.0.0/8",
    "0.0.0.0/0",
    "2001:db8::1",
    "2001:db8::/32",
    "::1",
    "::ffff:192.0.2.1",
    "fe80:0:0:0:0:0:0:1",
  ])("accepts %s", (value) => {
    expect(isIpOrCidr(value)).toBe(true);
  });

  it.each([
    "",
    "10.0.0",
    "256.1.1.1",
    "10.0.0.0/33",
    "2001:db8::/129",
    "1::2::3",
    "example.com",
    "10.0.0.1/8/8",
  ])("rejects %s", (value) => {
    expect(isIpOrCidr(value)).toBe(false);
  });
});
