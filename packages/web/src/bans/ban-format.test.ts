import { describe, expect, it } from "vitest";
import {
  flagOf,
  formatRemaining,
  formatSpan,
  looksLikeIp,
  looksLikeIpOrCidr,
  tierLabel,
} from "./ban-format.js";

describe("ban display helpers", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("counts down to expiry with the two largest units", () => {
    expect(formatRemaining("2026-01-01T04:00:00Z", now)).toBe("4h 0m");
    expect(formatRemaining("2026-01-01T03:59:12Z", now)).toBe("3h 59m");
    expect(formatRemaining("2026-01-08T00:00:00Z", now)).toBe("7d 0h");
    expect(formatRemaining("2026-01-01T00:00:09Z", now)).toBe("9s");
    expect(formatRemaining("2025-12-31T23:59:00Z", now)).toBe("expired");
    expect(formatRemaining(null, now)).toBe("never");
    expect(formatSpan(61_000)).toBe("1m 1s");
  });

  it("names tiers as the seed does", () => {
    expect([0, 1, 2, 3, 7].map(tierLabel)).toEqual(["4h", "24h", "7d", "permanent", "permanent"]);
  });

  it("draws flags from country codes and nothing for unknown ones", () => {
    expect(flagOf("fr")).toBe("🇫🇷");
    expect(flagOf("")).toBe("");
    expect(flagOf("--")).toBe("");
  });

  it("checks IPs and CIDR ranges before asking the server", () => {
    expect(looksLikeIp("203.0.113.9")).toBe(true);
    expect(looksLikeIp("2001:db8::1")).toBe(true);
    expect(looksLikeIp("256.1.1.1")).toBe(false);
    expect(looksLikeIp("evil.example")).toBe(false);
    expect(looksLikeIpOrCidr("10.0.0.0/8")).toBe(true);
    expect(looksLikeIpOrCidr("2001:db8::/32")).toBe(true);
    expect(looksLikeIpOrCidr("10.0.0.0/33")).toBe(false);
    expect(looksLikeIpOrCidr("10.0.0.0/8/1")).toBe(false);
  });
});
