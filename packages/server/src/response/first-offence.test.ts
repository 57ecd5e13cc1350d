import { describe, expect, it } from "vitest";
import { firstOffenceThreshold } from "./first-offence.js";
import type { GeoZoneConfig } from "./types.js";

const geo: GeoZoneConfig = {
  enabled: true,
  authorized_countries: ["FR", "BE"],
  hostile_countries: ["KP"],
  default_policy: "neutral",
  waf_threshold_hzone: 1,
  waf_threshold_zone: 3,
  threat_score_threshold: 50,
};

describe("first-offence thresholds", () => {
  it("drops a ban scenario's threshold to the hostile-zone one for hostile sources only", () => {
    expect(firstOffenceThreshold("KP", 5, geo, new Set())).toBe(1);
    expect(firstOffenceThreshold("kp", 5, { ...geo, waf_threshold_hzone: 2 }, new Set())).toBe(2);
    expect(firstOffenceThreshold("FR", 5, geo, new Set())).toBeUndefined();
    expect(firstOffenceThreshold("US", 5, geo, new Set())).toBeUndefined();
    expect(firstOffenceThreshold("", 5, geo, new Set())).toBeUndefined();
  });
  it("treats every non-authorized country as hostile when that is the default policy", () => {
    expect(firstOffenceThreshold("US", 5, { ...geo, default_policy: "hostile" }, new Set())).toBe(1);
    expect(firstOffenceThreshold("BE", 5, { ...geo, default_policy: "hostile" }, new Set())).toBeUndefined();
  });
  it("bans at the first offence from a geoblocked country, even with geo-zones off", () => {
    expect(firstOffenceThreshold("RU", 5, { ...geo, enabled: false }, new Set(["RU"]))).toBe(1);
    expect(firstOffenceThreshold("KP", 5, { ...geo, enabled: false }, new Set())).toBeUndefined();
  });
  it("never raises a scenario's threshold", () => {
    expect(firstOffenceThreshold("KP", 1, { ...geo, waf_threshold_hzone: 3 }, new Set())).toBeUndefined();
  });
});
