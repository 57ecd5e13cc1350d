import { describe, expect, it } from "vitest";
import { addressRisk, ipInRange } from "./ban-safety.js";

describe("addressRisk", () => {
  it.each([
    ["10.0.0.5", "private"],
    ["172.16.4.4", "private"],
    ["192.168.1.1", "private"],
    ["fd00::1", "private"],
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["169.254.0.9", "link_local"],
    ["fe80::1", "link_local"],
    ["::ffff:10.1.2.3", "private"],
    ["45.33.32.156", null],
    ["2001:4860:4860::8888", null],
    ["100.64.0.1", null],
  ])("%s → %s", (ip, kind) => {
    expect(addressRisk(ip)?.kind ?? null).toBe(kind);
  });
});

describe("ipInRange", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7", true],
    ["198.51.100.8", "198.51.100.7", false],
    ["192.0.2.99", "192.0.2.0/24", true],
    ["192.0.3.1", "192.0.2.0/24", false],
    ["2001:db8::5", "2001:db8::/32", true],
    ["192.0.2.1", "2001:db8::/32", false],
    ["192.0.2.1", "not-an-ip", false],
  ])("%s in %s → %s", (ip, range, inside) => {
    expect(ipInRange(ip, range)).toBe(inside);
  });
});
