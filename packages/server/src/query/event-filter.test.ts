import { describe, expect, it } from "vitest";
import { BadParameterError } from "./bad-parameter.js";
import { compileEventFilter, parseEventFilter } from "./event-filter.js";

const NOW = Date.parse("2024-05-01T12:00:00Z");

function badDetail(query: Record<string, unknown>): string {
  try {
    parseEventFilter(query, NOW);
  } catch (err) {
    if (err instanceof BadParameterError) return err.message;
    throw err;
  }
  throw new Error("expected a BadParameterError");
}

describe("parseEventFilter", () => {
  it("defaults to the last 24 hours with no other condition", () => {
    const f = parseEventFilter({}, NOW);
    expect(f.to).toBe(NOW);
    expect(f.from).toBe(NOW - 24 * 3600_000);
    expect(f.severities).toEqual([]);
    expect(f.q).toBeNull();
  });

  it("reads ISO 8601 times with or without a zone (zone-less is UTC) and epoch ms", () => {
    const f = parseEventFilter({ from: "2024-04-30T10:00:00+02:00", to: "2024-04-30 09:30" }, NOW);
    expect(f.from).toBe(Date.parse("2024-04-30T08:00:00Z"));
    expect(f.to).toBe(Date.parse("2024-04-30T09:30:00Z"));
    expect(parseEventFilter({ from: "1714550000000" }, NOW).from).toBe(1714550000000);
  });

  it("splits comma lists, accepts repeated keys, trims and de-duplicates", () => {
    const f = parseEventFilter({ severity: "Critical, high", site: ["a", "b,a"], country: "fr,US" }, NOW);
    expect(f.severities).toEqual(["critical", "high"]);
    expect(f.sites).toEqual(["a", "b"]);
    expect(f.countries).toEqual(["FR", "US"]);
  });

  it("reads IPs and CIDRs, v4 and v6, canonicalising networks and IPv6 text", () => {
    const f = parseEventFilter(
      { src_ip: "10.1.2.3/8,2001:0db8::1,2001:db8:aa::/48", dst_ip: "192.0.2.7" },
      NOW,
    );
    expect(f.srcIps).toEqual([
      { kind: "cidr", family: 4, cidr: "10.0.0.0/8" },
      { kind: "ip", family: 6, forms: ["2001:0db8::1", "2001:db8::1"] },
      { kind: "cidr", family: 6, cidr: "2001:db8:aa::/48" },
    ]);
    expect(f.dstIps).toEqual([{ kind: "ip", family: 4, forms: ["192.0.2.7"] }]);
  });

  it("names the parameter and the reason for every bad value", () => {
    expect(badDetail({ src_ip: "1.2.3.999" })).toBe('src_ip: "1.2.3.999" is not an IP address or CIDR');
    expect(badDetail({ dst_ip: "10.0.0.0/33" })).toBe('dst_ip: "10.0.0.0/33" is not an IP address or CIDR');
    expect(badDetail({ src_ip: "1" })).toContain("src_ip:");
    expect(badDetail({ severity: "high,urgent" })).toBe(
      'severity: "urgent" is not one of critical, high, medium, low, info',
    );
    expect(badDetail({ action: "nuke" })).toMatch(/^action: "nuke" is not one of allow, drop/);
    expect(badDetail({ source_type: "syslog" })).toMatch(/^source_type: /);
    expect(badDetail({ country: "FRA" })).toBe('country: "FRA" is not an ISO 3166-1 alpha-2 code');
    expect(badDetail({ from: "yesterday" })).toBe('from: "yesterday" is not an ISO 8601 time');
    expect(badDetail({ from: "2024-05-01T11:00:00Z", to: "2024-05-01T10:00:00Z" })).toMatch(
      /^from: .* is not before to/,
    );
    expect(badDetail({ q: ["a", "b"] })).toBe("q: must be given once");
    expect(badDetail({ q: "x".repeat(501) })).toMatch(/^q: longer than/);
  });
});

describe("compileEventFilter", () => {
  it("puts the time range first, as parameters", () => {
    const { where, params } = compileEventFilter(
      parseEventFilter({ from: "2024-05-01T00:00:00Z", to: "2024-05-01T06:00:00.5Z" }, NOW),
    );
    expect(where).toBe(
      "timestamp >= {f_from:DateTime64(3, 'UTC')} AND timestamp < {f_to:DateTime64(3, 'UTC')} AND " +
        "toStartOfHour(timestamp) BETWEEN toStartOfHour({f_from:DateTime64(3, 'UTC')}) AND toStartOfHour({f_to:DateTime64(3, 'UTC')})",
    );
    expect(params).toEqual({ f_from: "2024-05-01 00:00:00.000", f_to: "2024-05-01 06:00:00.500" });
  });

  it("compiles every filter to a parameterised condition", () => {
    const { where, params } = compileEventFilter(
      parseEventFilter(
        {
          site: "paris",
          log_type: "WAF",
          severity: "high",
          action: "drop",
          src_ip: "203.0.113.5,10.0.0.0/8",
          dst_ip: "2001:db8::/32",
          country: "cn",
          rule_id: "942100",
          source_type: "sophos",
          event_type: "port_scan",
          q: "union select",
        },
        NOW,
      ),
    );
    expect(where).toContain("site IN {f_sites:Array(String)}");
    expect(where).toContain("log_type IN {f_log_types:Array(String)}");
    expect(where).toContain("severity IN {f_severities:Array(String)}");
    expect(where).toContain("action IN {f_actions:Array(String)}");
    expect(where).toContain("geo_country IN {f_countries:Array(String)}");
    expect(where).toContain("source_type IN {f_source_types:Array(String)}");
    expect(where).toContain("event_type IN {f_event_types:Array(String)}");
    expect(where).toContain(
      "(src_ip IN {f_src_ip:Array(String)} OR (isIPv4String(src_ip) AND isIPAddressInRange(src_ip, {f_src_ip_cidr_1:String})))",
    );
    expect(where).toContain(
      "(isIPv6String(dst_ip) AND isIPAddressInRange(dst_ip, {f_dst_ip_cidr_0:String}))",
    );
    expect(where).toContain("hasAny(modsec_rule_ids, {f_rule_ids:Array(String)})");
    expect(where).toContain("positionCaseInsensitiveUTF8(raw_log, {f_q:String})");
    expect(params).toMatchObject({
      f_sites: ["paris"],
      f_src_ip: ["203.0.113.5"],
      f_src_ip_cidr_1: "10.0.0.0/8",
      f_dst_ip_cidr_0: "2001:db8::/32",
      f_countries: ["CN"],
      f_event_types: ["port_scan"],
      f_q: "union select",
    });
  });

  it("never puts caller text into the SQL, however SQL-like it looks", () => {
    const evil = "x') OR 1=1; DROP TABLE events; --";
    const evilBrace = "{f_from:String}";
    const { where, params } = compileEventFilter(
      parseEventFilter({ site: evil, log_type: evilBrace, rule_id: "1' OR '1'='1", q: evil }, NOW),
    );
    expect(where).not.toContain("DROP");
    expect(where).not.toContain("1=1");
    expect(where).not.toContain("'1'='1");
    // Only the compiler's own placeholders: two uses of f_from, none made from the caller's text.
    expect(where.match(/\{f_from:/g)).toHaveLength(2);
    expect(where).not.toContain("{f_from:String}");
    expect(params.f_sites).toEqual([evil]);
    expect(params.f_log_types).toEqual([evilBrace]);
    expect(params.f_q).toBe(evil);
  });

  it("adds the sites of a scoped caller (a client's user or a site-bound key) as a parameter", () => {
    const f = { ...parseEventFilter({ site: "other" }, NOW), scopeSites: ["lyon", "nice"] };
    const { where, params } = compileEventFilter(f);
    expect(where).toContain("site IN {f_scope_sites:Array(String)}");
    expect(params.f_scope_sites).toEqual(["lyon", "nice"]);
  });
});
