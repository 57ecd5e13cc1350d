import { describe, expect, it } from "vitest";
import { changeOf, keyText, limitModeOf, quotaShare } from "./threat-settings-types.js";

describe("threat settings form", () => {
  const abuse = { daily_limit: 1000, limit_source: "default" as const };
  const blank = { key: "", removeKey: false, limitMode: "default" as const, limit: 1000 as number | "" };

  it("sends only what changed: a typed key, a removal, a limit mode or value", () => {
    expect(changeOf(abuse, blank)).toEqual({});
    expect(changeOf(abuse, { ...blank, key: "  k3y  " })).toEqual({ key: "k3y" });
    expect(changeOf(abuse, { ...blank, removeKey: true })).toEqual({ key: null });
    expect(changeOf(abuse, { ...blank, limitMode: "custom", limit: 200 })).toEqual({ daily_limit: 200 });
    expect(changeOf(abuse, { ...blank, limitMode: "none" })).toEqual({ daily_limit: null });
    const custom = { daily_limit: 200, limit_source: "console" as const };
    expect(limitModeOf(custom)).toBe("custom");
    expect(changeOf(custom, { ...blank, limitMode: "custom", limit: 200 })).toEqual({});
    expect(changeOf(custom, { ...blank, limitMode: "default" })).toEqual({ daily_limit: "default" });
    expect(limitModeOf({ daily_limit: null, limit_source: "console" })).toBe("none");
  });

  it("says where a key comes from and how much of the quota is spent", () => {
    expect(keyText({ needs_key: true, key_source: null })).toBe("none");
    expect(keyText({ needs_key: false, key_source: null })).toBe("none (optional)");
    expect(keyText({ needs_key: true, key_source: "console" })).toBe("set in the console");
    expect(keyText({ needs_key: true, key_source: "env" })).toBe("from the environment");
    expect(quotaShare({ used_today: 250, daily_limit: 1000 })).toBe(25);
    expect(quotaShare({ used_today: 9, daily_limit: 0 })).toBe(100);
    expect(quotaShare({ used_today: 9, daily_limit: null })).toBeNull();
  });
});
