import { describe, expect, it } from "vitest";
import { canonicalIp, parseIpOrCidr } from "./ip-address.js";

describe("canonicalIp", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    [" 10.0.0.1 ", "10.0.0.1"],
    ["2001:DB8:0:0::1", "2001:db8::1"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["1.2.3", null],
    ["300.1.1.1", null],
    ["evil.example", null],
    ["fe80::1%eth0", null],
  ])("%s → %s", (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });
});

describe("parseIpOrCidr", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8", "10.0.0.0/8"],
    ["10.1.2.3/8", "10.0.0.0/8", "10.0.0.0/8"],
    ["192.168.1.77/26", "192.168.1.64/26", "192.168.1.64/26"],
    ["1.2.3.4", "1.2.3.4", "1.2.3.4/32"],
    ["1.2.3.4/32", "1.2.3.4", "1.2.3.4/32"],
    ["2001:db8:abcd::1/32", "2001:db8::/32", "2001:db8::/32"],
    ["2001:db8::1", "2001:db8::1", "2001:db8::1/128"],
  ])("%s → %s", (input, text, cidr) => {
    expect(parseIpOrCidr(input)).toEqual({ text, cidr });
  });

  it.each(["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8/1", "x/8", "2001:db8::/129", "10.0.0.0/-1"])(
    "refuses %s",
    (input) => {
      expect(parseIpOrCidr(input)).toBeNull();
    },
  );
});
