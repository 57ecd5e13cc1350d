import { describe, expect, it } from "vitest";
import type { Alert } from "../alerts/types.js";
import { ban, detection, T0 } from "../response/policy-fixtures.js";
import type { PendingBan } from "../response/types.js";
import { alertLine, banLine, detectionLine } from "./activity-log.js";

const pending = (over: Partial<PendingBan> = {}): PendingBan => ({
  id: "p1",
  ip: "203.0.113.7",
  country: "CN",
  geo_zone: "neutral",
  threat_score: 0,
  threat_sources: [],
  event_count: 10,
  first_event: new Date(T0).toISOString(),
  last_event: new Date(T0).toISOString(),
  trigger_rule: "waf-attacks",
  reason: "5 IPs on one rule and URI",
  status: "pending",
  pending_type: "false_positive",
  fp_rule_id: "942100",
  fp_uri: "/login.php",
  fp_hostname: "www.example.com",
  created_at: new Date(T0).toISOString(),
  reviewed_by: null,
  reviewed_at: null,
  ...over,
});

describe("activity log lines", () => {
  it("says what a detection saw and what it does", () => {
    const line = detectionLine(detection());
    expect(line.msg).toBe("detection waf-attacks: 203.0.113.7 (10 ≥ 10 in 5m) → ban, site paris");
    expect(line.fields).toMatchObject({ scenario: "waf-attacks", src_ip: "203.0.113.7", count: 10 });
  });

  it("says who is banned, for how long, why and where", () => {
    const active = ban({
      status: "active",
      current_tier: 1,
      last_ban: new Date(T0).toISOString(),
      expires_at: new Date(T0 + 24 * 3_600_000 + 3).toISOString(),
      reason: "WAF attacks",
    });
    expect(banLine({ type: "new_ban", data: active })?.msg).toBe(
      "ban 203.0.113.7 for 1d (tier 1, waf-attacks, site paris, CN): WAF attacks",
    );
    const manual = ban({ status: "permanent", expires_at: null, source: "manual", created_by: "alice" });
    expect(banLine({ type: "new_ban", data: manual })?.msg).toMatch(
      /^ban 203\.0\.113\.7 permanently \(tier 0, by alice/,
    );
  });

  it("says an unban and why, and a ban held for approval once", () => {
    expect(banLine({ type: "ban_removed", data: ban({ reason: "ban expired" }) })?.msg).toBe(
      "unban 203.0.113.7: ban expired",
    );
    expect(banLine({ type: "ban_pending", data: pending() })?.msg).toBe(
      "ban 203.0.113.7 held for approval (false positive, waf-attacks): 5 IPs on one rule and URI",
    );
    expect(banLine({ type: "new_ban", data: ban({ status: "pending_approval" }) })).toBeNull();
    expect(banLine({ type: "ban_updated", data: ban() })).toBeNull();
    expect(
      banLine({ type: "ban_pending", data: pending({ status: "approved", reviewed_by: "bob" }) })?.msg,
    ).toBe("pending ban of 203.0.113.7 approved by bob");
  });

  it("says an alert's severity, title and site", () => {
    const alert = {
      id: "a1",
      title: "25 firewall drops from 198.51.100.4",
      severity: "high",
      site: "paris",
      rule_name: "firewall surge",
      group_by: "src_ip",
      group_value: "198.51.100.4",
    } as Alert;
    const line = alertLine(alert);
    expect(line.msg).toBe("alert raised (high): 25 firewall drops from 198.51.100.4 [site paris]");
    expect(line.fields).toMatchObject({ alert_id: "a1", src_ip: "198.51.100.4" });
  });
});
