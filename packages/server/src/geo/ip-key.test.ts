import { describe, expect, it } from "vitest";
import { ipv6Top64, toPublicIpKey } from "./ip-key.js";

describe("toPublicIpKey", () => {
  it("keys public IPv4 as one 32-bit word", () => {
    expect(toPublicIpKey("8.8.8.8")).toEqual({ family: 4, lo: 0x08080808, text: "8.8.8.8" });
    expect(toPublicIpKey(" 1.1.1.1 ")?.lo).toBe(0x01010101);
  });

  it("keys public IPv6 on its top 64 bits", () => {
    expect(toPublicIpKey("2001:4860:4860::8888")).toMatchObject({
      family: 6,
      hi: 0x20014860,
      lo: 0x48600000,
    });
  });

  it("treats IPv4-mapped IPv6 as the IPv4 address it carries", () => {
    expect(toPublicIpKey("::ffff:8.8.8.8")).toMatchObject({ family: 4, lo: 0x08080808, text: "8.8.8.8" });
    expect(toPublicIpKey("::ffff:10.0.0.1")).toBeNull();
  });

  it.each([
    ["10.1.2.3", "RFC 1918"],
    ["172.16.0.1", "RFC 1918"],
    ["192.168.1.1", "RFC 1918"],
    ["127.0.0.1", "loopback"],
    ["169.254.10.1", "link-local"],
    ["100.64.0.1", "CGNAT"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["0.0.0.0", "unspecified"],
    ["192.0.2.10", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.99", "documentation"],
    ["240.0.0.1", "reserved"],
    ["::1", "loopback v6"],
    ["::", "unspecified v6"],
    ["fe80::1", "link-local v6"],
    ["fd12:3456::1", "unique-local v6"],
    ["ff02::1", "multicast v6"],
    ["2001:db8::1", "documentation v6"],
  ])("%s (%s) is not geolocated", (ip) => {
    expect(toPublicIpKey(ip)).toBeNull();
  });

  it.each([
    "",
    "garbage",
    "8.8.8",
    "1.2.3.4.5",
    "999.1.1.1",
    "0x08080808",
    "134744072",
    "2001:::1",
    "a".repeat(100),
  ])("rejects %j", (s) => {
    expect(toPublicIpKey(s)).toBeNull();
  });
});

describe("ipv6Top64", () => {
  it("reads the top 64 bits with and without ::", () => {
    const out = new Uint32Array(2);
    expect(ipv6Top64("2001:200::", out)).toBe(true);
    expect([...out]).toEqual([0x20010200, 0]);
    expect(ipv6Top64("2001:200:1b9:ffff:ffff:ffff:ffff:ffff", out)).toBe(true);
    expect([...out]).toEqual([0x20010200, 0x01b9ffff]);
    expect(ipv6Top64("::ffff:1.2.3.4", out)).toBe(true);
    expect([...out]).toEqual([0, 0]);
    expect(ipv6Top64("1:2:3", out)).toBe(false);
    expect(ipv6Top64("zz::1", out)).toBe(false);
  });
});
