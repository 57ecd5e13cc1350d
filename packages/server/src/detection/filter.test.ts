import { describe, expect, it } from "vitest";
import { makeEvent } from "../events/test-events.js";
import { checkFilter, compileFilter, FilterError } from "./filter.js";

const waf = makeEvent({
  log_type: "WAF",
  action: "drop",
  src_ip: "203.0.113.10",
  url: "/Products.php?id=1' OR '1'='1",
  user_agent: "sqlmap/1.7",
  http_status: 403,
  rule_id: "949110",
  dst_port: 443,
  modsec_rule_ids: ["942100", "949110"],
});

const matches = (f: unknown, e = waf) => compileFilter(f)(e);

describe("filter language", () => {
  it("plain values mean equals, and every field must hold", () => {
    expect(matches({ log_type: "WAF", action: "drop" })).toBe(true);
    expect(matches({ log_type: "WAF", action: "allow" })).toBe(false);
    expect(matches({})).toBe(true);
  });

  it("compares a number given for a text field as text, and numeric text for number fields", () => {
    expect(matches({ rule_id: 949110 })).toBe(true);
    expect(matches({ http_status: "403" })).toBe(true);
    expect(matches({ dst_port: { in: [80, 443] } })).toBe(true);
  });

  it("in, not, contains (any case), regex (any case)", () => {
    expect(matches({ log_type: { in: ["IPS", "WAF"] } })).toBe(true);
    expect(matches({ log_type: ["IPS", "ATP"] })).toBe(false);
    expect(matches({ severity: { not: "info" } })).toBe(false);
    expect(matches({ log_type: { not: { in: ["IPS", "ATP"] } } })).toBe(true);
    expect(matches({ url: { contains: "products.PHP" } })).toBe(true);
    expect(matches({ user_agent: { regex: "^(SQLMAP|nikto)" } })).toBe(true);
    expect(matches({ user_agent: { regex: "nikto" } })).toBe(false);
  });

  it("numeric comparisons combine as a range", () => {
    expect(matches({ http_status: { gte: 400, lt: 500 } })).toBe(true);
    expect(matches({ http_status: { gt: 403 } })).toBe(false);
    expect(matches({ http_status: { lte: 403 } })).toBe(true);
  });

  it("cidr matches v4 and v6, lists of ranges, and never an empty or malformed address", () => {
    expect(matches({ src_ip: { cidr: "203.0.113.0/24" } })).toBe(true);
    expect(matches({ src_ip: { cidr: ["10.0.0.0/8", "2001:db8::/32"] } })).toBe(false);
    expect(matches({ src_ip: { cidr: "2001:db8::/32" } }, makeEvent({ src_ip: "2001:db8::5" }))).toBe(true);
    expect(matches({ src_ip: { cidr: "10.0.0.0/8" } }, makeEvent({ src_ip: "::ffff:10.1.2.3" }))).toBe(true);
    expect(matches({ src_ip: { cidr: "10.0.0.0/8" } }, makeEvent({ src_ip: "" }))).toBe(false);
    expect(matches({ src_ip: { cidr: "10.0.0.0/8" } }, makeEvent({ src_ip: "not-an-ip" }))).toBe(false);
    expect(matches({ src_ip: { cidr: "203.0.113.10" } })).toBe(true);
  });

  it("list fields match when any element does", () => {
    expect(matches({ modsec_rule_ids: "949110" })).toBe(true);
    expect(matches({ modsec_rule_ids: { contains: "9421" } })).toBe(true);
    expect(matches({ modsec_rule_ids: "920350" })).toBe(false);
  });

  it("any / all combine filters", () => {
    expect(matches({ any: [{ log_type: "IPS" }, { url: { contains: "' or '" } }] })).toBe(true);
    expect(matches({ all: [{ log_type: "WAF" }, { http_status: 200 }] })).toBe(false);
  });

  it("refuses unknown fields and operators, bad regexes and bad ranges, naming where", () => {
    const cases: [unknown, string, RegExp][] = [
      [{ log_typ: "WAF" }, "log_typ", /unknown field 'log_typ'/],
      [{ url: { startswith: "/" } }, "url.startswith", /unknown operator 'startswith'/],
      [{ user_agent: { regex: "(" } }, "user_agent.regex", /bad regular expression/],
      [{ src_ip: { cidr: "10.0.0.0/33" } }, "src_ip.cidr", /not an IP address or CIDR/],
      [{ src_ip: { cidr: ["10.0.0.0/8", "nope"] } }, "src_ip.cidr.1", /not an IP address/],
      [{ http_status: { gt: "x" } }, "http_status.gt", /takes a number/],
      [{ url: { gt: 3 } }, "url.gt", /compares numbers/],
      [{ dst_port: "ssh" }, "dst_port", /holds numbers/],
      [{ any: [] }, "any", /non-empty list/],
      [{ any: [{ nope: 1 }] }, "any.0.nope", /unknown field/],
      ["WAF", "", /must be a mapping/],
    ];
    for (const [filter, path, message] of cases) {
      const problem = checkFilter(filter);
      expect(problem, JSON.stringify(filter)).not.toBeNull();
      expect(problem?.path.join(".")).toBe(path);
      expect(problem?.message).toMatch(message);
    }
    expect(() => compileFilter({ nope: 1 })).toThrow(FilterError);
  });
});
