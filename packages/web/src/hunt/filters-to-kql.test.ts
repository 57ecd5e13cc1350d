import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, type EventFilters } from "../filters/filters.js";
import { filtersToKql, kqlString } from "./filters-to-kql.js";

const with_ = (patch: Partial<EventFilters>): EventFilters => ({ ...EMPTY_FILTERS, severity: [], ...patch });

describe("kqlString", () => {
  it("quotes plain text", () => {
    expect(kqlString("drop")).toBe('"drop"');
  });

  it("escapes quotes, backslashes and control characters", () => {
    expect(kqlString(`1' OR "1"="1`)).toBe(`"1' OR \\"1\\"=\\"1"`);
    expect(kqlString("C:\\temp\\x")).toBe('"C:\\\\temp\\\\x"');
    expect(kqlString("a\nb\tc\r")).toBe('"a\\nb\\tc\\r"');
    expect(kqlString("bell\u0007")).toBe('"bell\\u0007"');
  });

  it("keeps non-ASCII text as is", () => {
    expect(kqlString("Zürich 東京")).toBe('"Zürich 東京"');
  });
});

describe("filtersToKql", () => {
  it("lists every event with no filter", () => {
    expect(filtersToKql(with_({}))).toBe("Events\n| sort by timestamp desc\n| take 100");
  });

  it("turns each filter into a where line", () => {
    const text = filtersToKql(
      with_({
        site: "shop",
        log_type: "Firewall",
        action: "drop",
        severity: ["high", "critical"],
        country: "fr",
      }),
    );
    expect(text).toBe(
      [
        "Events",
        '| where site == "shop"',
        '| where log_type == "Firewall"',
        '| where severity in ("high", "critical")',
        '| where action == "drop"',
        '| where geo_country == "FR"',
        "| sort by timestamp desc",
        "| take 100",
      ].join("\n"),
    );
  });

  it("reads comma-separated lists as the explorer's API does", () => {
    expect(filtersToKql(with_({ log_type: "WAF, IPS" }))).toContain('| where log_type in ("WAF", "IPS")');
  });

  it("matches an address by equality and a CIDR block by range", () => {
    const text = filtersToKql(with_({ src_ip: "10.0.0.0/8", dst_ip: "1.2.3.4,5.6.7.8" }));
    expect(text).toContain('| where ipv4_is_in_range(src_ip, "10.0.0.0/8")');
    expect(text).toContain('| where (dst_ip == "1.2.3.4" or dst_ip == "5.6.7.8")');
  });

  it("matches a rule id in the event's rule or its ModSecurity rules", () => {
    expect(filtersToKql(with_({ rule_id: "942100" }))).toContain(
      '| where (rule_id == "942100" or modsec_rule_ids has "942100")',
    );
  });

  it("searches free text in message, URL and raw log, quoted safely", () => {
    expect(filtersToKql(with_({ q: 'say "hi" \\ bye' }))).toContain(
      '| where (message contains "say \\"hi\\" \\\\ bye" or url contains "say \\"hi\\" \\\\ bye" or raw_log contains "say \\"hi\\" \\\\ bye")',
    );
  });
});
