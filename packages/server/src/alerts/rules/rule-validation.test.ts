import { describe, expect, it } from "vitest";
import type { AlertRuleInput } from "../types.js";
import { DEFAULT_RULES } from "./default-rules.js";
import { type RuleProblem, validateRule } from "./rule-validation.js";

const CHANNEL = "0190a000-0000-7000-8000-000000000001";
const known = { channels: new Set([CHANNEL]), users: new Set(["alice"]) };

const base: AlertRuleInput = {
  name: "Drops from one IP",
  severity: "high",
  channels: [CHANNEL],
  detection: { filter: { log_type: "Firewall", action: "drop" }, threshold: 20, window: "1m" },
};

function problems(input: unknown): RuleProblem[] {
  const r = validateRule(input, known);
  return r.ok ? [] : r.problems;
}

describe("alert rule validation", () => {
  it("fills the defaults and writes durations canonically", () => {
    const r = validateRule({ ...base, detection: { ...base.detection, window: "60s" } }, known);
    expect(r).toEqual({
      ok: true,
      rule: {
        name: "Drops from one IP",
        description: "",
        enabled: true,
        sites: [],
        client: null,
        severity: "high",
        channels: [CHANNEL],
        detection: {
          filter: { log_type: "Firewall", action: "drop" },
          threshold: 20,
          window: "1m",
          group_by: "src_ip",
        },
        cooldownMs: 15 * 60_000,
        escalation: null,
      },
    });
  });

  it("names each bad field with its path", () => {
    const found = problems({
      ...base,
      colour: "red",
      severity: "urgent",
      channels: [CHANNEL, "0190a000-0000-7000-8000-0000000000ff"],
      cooldown: "8d",
      detection: {
        filter: { log_typ: "Firewall" },
        threshold: 0,
        window: "5x",
        group_by: "ip",
        extra: 1,
      },
      escalation: { after: "10m", users: ["mallory"], when: "now" },
    });
    const byField = Object.fromEntries(found.map((p) => [p.field, p.message]));
    expect(byField).toMatchObject({
      colour: "unknown field",
      severity: "must be one of critical, high, medium, low, info",
      "channels[1]": 'no channel with id "0190a000-0000-7000-8000-0000000000ff"',
      cooldown: '"8d" is not a duration from 0s to 7d (e.g. 15m, 1h)',
      "detection.extra": "unknown field",
      "detection.filter.log_typ": "unknown event field",
      "detection.threshold": "0 is not a whole number from 1 to 1000000",
      "detection.window": '"5x" is not a duration like 30s, 5m, 1h (from 1s to 24h)',
      "detection.group_by": '"ip" is not an event field',
      "escalation.when": "unknown field",
      "escalation.users[0]": 'no user named "mallory"',
    });
  });

  it("checks bounds: window 1s..24h, threshold whole, cooldown may be 0, escalation needs a target", () => {
    const withDetection = (d: Partial<AlertRuleInput["detection"]>) =>
      problems({ ...base, detection: { ...base.detection, ...d } }).map((p) => p.field);
    expect(withDetection({ window: "25h" })).toEqual(["detection.window"]);
    expect(withDetection({ window: "500ms" })).toEqual(["detection.window"]);
    expect(withDetection({ window: "24h" })).toEqual([]);
    expect(withDetection({ threshold: 2.5 })).toEqual(["detection.threshold"]);
    expect(withDetection({ distinct: "dst_port" })).toEqual([]);
    expect(withDetection({ distinct: "port" })).toEqual(["detection.distinct"]);
    expect(problems({ ...base, cooldown: "0s" })).toEqual([]);
    expect(problems({ ...base, escalation: { after: "30m" } }).map((p) => p.field)).toEqual(["escalation"]);
    const ok = validateRule(
      { ...base, escalation: { after: "30m", users: ["alice"], channels: [CHANNEL] } },
      known,
    );
    expect(ok.ok && ok.rule.escalation).toEqual({ after: "30m", users: ["alice"], channels: [CHANNEL] });
    expect(
      problems({ ...base, detection: { ...base.detection, filter: { url: { regex: "(" } } } })[0]?.field,
    ).toBe("detection.filter.url.regex");
    expect(problems("nope")).toEqual([{ field: "", message: "a rule is a JSON object" }]);
  });

  it("the shipped defaults are valid rules", () => {
    for (const rule of DEFAULT_RULES) expect(problems(rule), rule.name).toEqual([]);
  });
});
