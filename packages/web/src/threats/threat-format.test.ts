import { describe, expect, it } from "vitest";
import { quotaColor, quotaPercent, statusLabel, tierPreview } from "./threat-format.js";
import { alertIsAbout } from "./threat-queries.js";

const NOW = Date.now();
const HOUR = 3600_000;

describe("tier preview", () => {
  it("starts at tier 0 (4h) for an IP never banned", () => {
    expect(tierPreview(null, NOW)).toMatchObject({ banned: false, tier: 0, duration: "4h" });
  });

  it("escalates with the number of earlier bans, up to permanent", () => {
    const ended = (ban_count: number) => ({
      status: "expired" as const,
      ban_count,
      current_tier: ban_count - 1,
      expires_at: new Date(NOW - HOUR).toISOString(),
    });
    expect(tierPreview(ended(1), NOW)).toMatchObject({ tier: 1, duration: "24h" });
    expect(tierPreview(ended(2), NOW).text).toBe("Banned 2 time(s) before: would be tier 2, duration 7d");
    expect(tierPreview(ended(9), NOW)).toMatchObject({ tier: 3, duration: "permanent" });
  });

  it("says when a ban is in force now", () => {
    const active = {
      status: "active" as const,
      ban_count: 1,
      current_tier: 0,
      expires_at: new Date(NOW + HOUR).toISOString(),
    };
    expect(tierPreview(active, NOW)).toMatchObject({ banned: true, tier: 0 });
    // An active row past its expiry (the worker is late) is not in force.
    expect(tierPreview({ ...active, expires_at: new Date(NOW - 1).toISOString() }, NOW).banned).toBe(false);
  });
});

describe("provider quota and labels", () => {
  it("shows the share of the daily limit, none without a limit", () => {
    expect(quotaPercent({ used_today: 50, daily_limit: 1000 })).toBe(5);
    expect(quotaPercent({ used_today: 1200, daily_limit: 1000 })).toBe(100);
    expect(quotaPercent({ used_today: 3, daily_limit: null })).toBeNull();
    expect(quotaColor(95)).toBe("red");
    expect(statusLabel("not_configured")).toBe("not configured");
  });
});

describe("alerts about an IP", () => {
  it("matches the exact address, not a longer one that starts with it", () => {
    const ip = "45.155.205.23";
    expect(alertIsAbout({ group_value: ip, title: "x" }, ip)).toBe(true);
    expect(alertIsAbout({ group_value: "45.155.205.233", title: "x" }, ip)).toBe(false);
    expect(alertIsAbout({ group_value: "", title: `Ban of ${ip} awaits approval` }, ip)).toBe(true);
    expect(alertIsAbout({ group_value: "", title: `Scan from ${ip}.` }, ip)).toBe(true);
    expect(alertIsAbout({ group_value: "", title: "Scan from 45.155.205.233" }, ip)).toBe(false);
  });
});
