import { describe, expect, it } from "vitest";
import { type Decision, decide, type PolicyContext, tierFor, zoneOf } from "./ban-policy.js";
import { ban, detection, entry, geo, T0 } from "./policy-fixtures.js";

const H = 3600_000;
const future = new Date(T0 + H).toISOString();
const past = new Date(T0 - H).toISOString();
const block = { country: "CN", action: "block", reason: "no business in CN" } as const;
const allow = { country: "CN", action: "allow", reason: "our factory" } as const;

function ctx(over: Partial<PolicyContext> = {}): PolicyContext {
  return {
    whitelist: [],
    currentBan: null,
    geo: geo(),
    country: "CN",
    fpGuard: { distinctIps: 1 },
    now: T0,
    ...over,
  };
}

type Case = [
  name: string,
  over: Partial<PolicyContext>,
  det: Parameters<typeof detection>[0],
  expected: Partial<Decision>,
];

const cases: Case[] = [
  [
    "no context: first ban, tier 0, 4 h",
    {},
    {},
    { kind: "ban", tier: 0, duration_ms: 4 * H, status: "active" },
  ],
  ["hard whitelist: never act", { whitelist: [entry()] }, {}, { kind: "ignore" }],
  ["hard whitelist beats hostile zone", { whitelist: [entry()], country: "KP" }, {}, { kind: "ignore" }],
  [
    "expired hard entry is ignored",
    { whitelist: [entry({ expires_at: past })] },
    {},
    { kind: "ban", tier: 0 },
  ],
  [
    "hard entry expiring later still protects",
    { whitelist: [entry({ expires_at: future })] },
    {},
    { kind: "ignore" },
  ],
  ["inactive entry is ignored", { whitelist: [entry({ is_active: false })] }, {}, { kind: "ban" }],
  ["monitor: log only", { whitelist: [entry({ type: "monitor" })] }, {}, { kind: "log_only" }],
  [
    "soft alert_only: alert",
    { whitelist: [entry({ type: "soft", alert_only: true })] },
    {},
    { kind: "alert" },
  ],
  [
    "soft 50%: reputation 80 → 40 < 50, alert",
    {
      whitelist: [entry({ type: "soft", score_modifier: 50 })],
      reputation: { score: 80, sources: ["feed"] },
    },
    {},
    { kind: "alert", threat_score: 40 },
  ],
  [
    "soft 20%: reputation 80 → 64 ≥ 50, ban",
    {
      whitelist: [entry({ type: "soft", score_modifier: 20 })],
      reputation: { score: 80, sources: ["feed"] },
    },
    {},
    { kind: "ban", threat_score: 64 },
  ],
  ["alert scenario: alert", {}, { action: "alert" }, { kind: "alert" }],
  [
    "already actively banned: nothing (no double escalation)",
    { currentBan: ban({ status: "active", expires_at: future }) },
    {},
    { kind: "ignore" },
  ],
  [
    "permanently banned: nothing",
    { currentBan: ban({ status: "permanent", expires_at: null }) },
    {},
    { kind: "ignore" },
  ],
  [
    "active row past its expiry (worker not run yet): bans again at next tier",
    { currentBan: ban({ status: "active", expires_at: past, ban_count: 1 }) },
    {},
    { kind: "ban", tier: 1, duration_ms: 24 * H },
  ],
  ["immune after unban: log only", { currentBan: ban({ immune_until: future }) }, {}, { kind: "log_only" }],
  ["immunity over: ban at tier 1", { currentBan: ban({ immune_until: past }) }, {}, { kind: "ban", tier: 1 }],
  [
    "second ban: tier 1, 24 h",
    { currentBan: ban({ ban_count: 1 }) },
    {},
    { kind: "ban", tier: 1, duration_ms: 24 * H },
  ],
  [
    "third ban: tier 2, 7 d",
    { currentBan: ban({ ban_count: 2 }) },
    {},
    { kind: "ban", tier: 2, duration_ms: 7 * 24 * H },
  ],
  [
    "fourth ban: permanent",
    { currentBan: ban({ ban_count: 3 }) },
    {},
    { kind: "ban", tier: 3, duration_ms: null, status: "permanent" },
  ],
  [
    "tenth ban: still permanent",
    { currentBan: ban({ ban_count: 9 }) },
    {},
    { kind: "ban", tier: 3, status: "permanent" },
  ],
  ["scenario duration applies to tier 0", {}, { durationMs: H }, { kind: "ban", tier: 0, duration_ms: H }],
  [
    "scenario duration does not shorten tier 1",
    { currentBan: ban({ ban_count: 1 }) },
    { durationMs: H },
    { kind: "ban", duration_ms: 24 * H },
  ],
  ["hostile zone: immediate ban", { country: "KP" }, { count: 1 }, { kind: "ban", geo_zone: "hostile" }],
  ["hostile zone skips the FP guard", { country: "KP", fpGuard: { distinctIps: 50 } }, {}, { kind: "ban" }],
  [
    "authorized, reputation too low: pending country_policy",
    { country: "FR" },
    {},
    { kind: "pending", pending_type: "country_policy", geo_zone: "authorized" },
  ],
  [
    "authorized, reputation high: ban",
    { country: "FR", reputation: { score: 90, sources: ["feed"] } },
    {},
    { kind: "ban", geo_zone: "authorized", threat_score: 90 },
  ],
  [
    "authorized, below zone threshold: alert",
    { country: "fr", geo: geo({ waf_threshold_zone: 20 }) },
    {},
    { kind: "alert" },
  ],
  [
    "geozone disabled: authorized country is neutral",
    { country: "FR", geo: geo({ enabled: false }) },
    {},
    { kind: "ban", geo_zone: "neutral" },
  ],
  [
    "default policy hostile applies to unlisted countries",
    { geo: geo({ default_policy: "hostile" }) },
    {},
    { kind: "ban", geo_zone: "hostile" },
  ],
  ["neutral validate_threat, low score: alert", {}, { validate_threat: true }, { kind: "alert" }],
  [
    "neutral validate_threat, high score: ban",
    { reputation: { score: 70, sources: ["a"] } },
    { validate_threat: true },
    { kind: "ban", threat_score: 70 },
  ],
  [
    "FP guard: 5 distinct IPs on the same rule+URI+host: pending false_positive",
    { fpGuard: { distinctIps: 5 } },
    {},
    { kind: "pending", pending_type: "false_positive" },
  ],
  ["FP guard below threshold: ban", { fpGuard: { distinctIps: 4 } }, {}, { kind: "ban" }],
  // Geoblocking rules: after whitelist and immunity, before (and over) the GeoZone.
  [
    "block rule: ban at once from a single event, tier 0",
    { geoblock: block },
    { count: 1, threshold: 1 },
    { kind: "ban", tier: 0, duration_ms: 4 * H, status: "active", geo_zone: "neutral" },
  ],
  [
    "block rule skips the false-positive guard",
    { geoblock: block, fpGuard: { distinctIps: 50 } },
    {},
    { kind: "ban" },
  ],
  ["block rule skips validate_threat", { geoblock: block }, { validate_threat: true }, { kind: "ban" }],
  [
    "block rule on an authorized country: no zone threshold, no approval",
    { country: "FR", geoblock: { ...block, country: "FR" }, geo: geo({ waf_threshold_zone: 20 }) },
    {},
    { kind: "ban", geo_zone: "authorized" },
  ],
  [
    "block rule applies with GeoZone disabled",
    { geoblock: block, geo: geo({ enabled: false }) },
    {},
    { kind: "ban" },
  ],
  [
    "block rule matches the country case-insensitively",
    { country: "cn", geoblock: block },
    {},
    { kind: "ban" },
  ],
  [
    "block rule escalates a recidivist like any ban",
    { geoblock: block, currentBan: ban({ ban_count: 2 }) },
    {},
    { kind: "ban", tier: 2, duration_ms: 7 * 24 * H },
  ],
  ["block rule loses to a hard whitelist", { geoblock: block, whitelist: [entry()] }, {}, { kind: "ignore" }],
  [
    "block rule loses to soft alert_only",
    { geoblock: block, whitelist: [entry({ type: "soft", alert_only: true })] },
    {},
    { kind: "alert" },
  ],
  [
    "block rule loses to immunity",
    { geoblock: block, currentBan: ban({ immune_until: future }) },
    {},
    { kind: "log_only" },
  ],
  [
    "block rule keeps an alert scenario an alert",
    { geoblock: block },
    { action: "alert" },
    { kind: "alert" },
  ],
  [
    "block rule for another country does nothing",
    { geoblock: { ...block, country: "RU" }, fpGuard: { distinctIps: 9 } },
    {},
    { kind: "pending", pending_type: "false_positive" },
  ],
  ["allow rule: alert, never a ban", { geoblock: allow }, {}, { kind: "alert" }],
  [
    "allow rule beats a hostile zone",
    { country: "KP", geoblock: { ...allow, country: "KP" } },
    { count: 1 },
    { kind: "alert", geo_zone: "hostile" },
  ],
  [
    "allow rule beats a high reputation",
    { geoblock: allow, reputation: { score: 100, sources: ["feed"] } },
    { validate_threat: true },
    { kind: "alert", threat_score: 100 },
  ],
  [
    "allow rule: an actively banned IP stays as it is",
    { geoblock: allow, currentBan: ban({ status: "active", expires_at: future }) },
    {},
    { kind: "ignore" },
  ],
  // The seed's "conditional" status is never produced; a row holding it (imported) is not in force.
  [
    "conditional row is not in force: a detection bans at the next tier",
    { currentBan: ban({ status: "conditional", expires_at: future, ban_count: 1 }) },
    {},
    { kind: "ban", tier: 1 },
  ],
  [
    "FP guard threshold configurable",
    { fpGuard: { distinctIps: 4 }, fpThreshold: 3 },
    {},
    { kind: "pending", pending_type: "false_positive" },
  ],
];

describe("decide (ban policy path)", () => {
  it.each(cases)("%s", (_name, over, det, expected) => {
    const decision = decide(detection(det), ctx(over));
    expect(decision).toMatchObject(expected);
    expect(decision.reason.length).toBeGreaterThan(5);
  });
});

describe("geoblocking reasons", () => {
  it("a block ban names the rule; an allow alert says the country is allowed", () => {
    const banned = decide(detection(), ctx({ geoblock: block }));
    expect(banned.reason).toContain("geoblocking rule block CN (no business in CN)");
    const allowed = decide(detection(), ctx({ geoblock: allow }));
    expect(allowed.reason).toMatch(/^country allowed by geoblocking rule/);
    expect(allowed.reason).toContain("our factory");
  });
});

describe("tiers and zones", () => {
  it("escalates 4 h → 24 h → 7 d → permanent", () => {
    expect([0, 1, 2, 3, 4].map((n) => tierFor(n).duration_ms)).toEqual([4 * H, 24 * H, 168 * H, null, null]);
  });
  it("classifies countries case-insensitively, hostile first", () => {
    expect(zoneOf(geo({ authorized_countries: ["KP"] }), "kp")).toBe("hostile");
    expect(zoneOf(geo(), "")).toBe("neutral");
  });
});
