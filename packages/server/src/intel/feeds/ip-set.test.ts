import { describe, expect, it } from "vitest";
import { IpSet, parseIp, parseNet, parseV4 } from "./ip-set.js";

describe("parseNet", () => {
  it("normalises addresses and CIDR ranges", () => {
    expect(parseNet("1.2.3.4")?.text).toBe("1.2.3.4");
    expect(parseNet("1.2.3.4/32")?.text).toBe("1.2.3.4");
    expect(parseNet("10.1.2.3/8")?.text).toBe("10.0.0.0/8");
    expect(parseNet("2001:DB8::1")?.text).toBe("2001:db8::1");
    expect(parseNet("2001:db8:1:2:3::/64")?.text).toBe("2001:db8:1:2::/64");
    expect(parseNet("::ffff:1.2.3.4")?.text).toBe("1.2.3.4");
  });

  it("refuses garbage", () => {
    for (const bad of [
      "",
      "1.2.3",
      "1.2.3.256",
      "01.2.3.4",
      "1.2.3.4/33",
      "1.2.3.4/x",
      "::g",
      "2001:db8::/129",
      "host.example",
    ])
      expect(parseNet(bad), bad).toBeNull();
    expect(parseV4("255.255.255.255")).toBe(0xffffffff);
  });
});

describe("IpSet", () => {
  const set = IpSet.from(
    [
      "1.2.3.4",
      "10.0.0.0/8",
      "10.1.0.0/16",
      "192.168.1.0/24",
      "192.168.2.0/24",
      "2001:db8::/32",
      "2a00::1",
    ].map(
      (s) =>
        parseNet(s) ??
        (() => {
          throw new Error(s);
        })(),
    ),
  );

  it("answers membership of addresses and inside ranges (CIDR-aware, v4 and v6)", () => {
    expect(set.has("1.2.3.4")).toBe(true);
    expect(set.has("1.2.3.5")).toBe(false);
    expect(set.has("10.255.255.255")).toBe(true);
    expect(set.has("11.0.0.0")).toBe(false);
    expect(set.has("192.168.2.77")).toBe(true);
    expect(set.has("192.168.3.1")).toBe(false);
    expect(set.has("2001:db8:ffff::1")).toBe(true);
    expect(set.has("2001:db9::1")).toBe(false);
    expect(set.has("2a00::1")).toBe(true);
    expect(set.has("2a00::2")).toBe(false);
    expect(set.has("::ffff:1.2.3.4")).toBe(true);
    expect(set.has("not an ip")).toBe(false);
  });

  it("merges overlapping and adjacent ranges", () => {
    // 10/8 swallows 10.1/16; 192.168.1/24 and 192.168.2/24 are adjacent.
    expect(set.ranges).toBe(5);
    expect(IpSet.empty().has("1.1.1.1")).toBe(false);
    expect(parseIp("0.0.0.0")).toEqual({ family: 4, n: 0 });
  });
});
