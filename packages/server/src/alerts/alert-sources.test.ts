import { describe, expect, it } from "vitest";
import type { Detection } from "../detection/types.js";
import type { PendingBan } from "../response/types.js";
import { alertFromDetection, alertFromPendingBan, alertFromPolicy } from "./alert-sources.js";

const detection: Detection = {
  scenario: "http-probing",
  action: "alert",
  severity: "medium",
  labels: ["T1595"],
  group_by: "src_ip",
  value: "203.0.113.7",
  count: 30,
  threshold: 30,
  windowMs: 60_000,
  first_seen: Date.parse("2026-11-22T10:00:00Z"),
  last_seen: Date.parse("2026-11-22T10:00:40Z"),
  event_ids: ["e1", "e2"],
  site: "paris",
  country: "NL",
  rule_id: "",
  url: "/wp-admin",
  hostname: "shop.example.com",
  validate_threat: false,
  trusted: true,
  channel: "udp",
  sender: "192.0.2.1",
};

describe("alerts from scenarios and bans", () => {
  it("a scenario alert names the scenario, the source and the count, keeps its events, and has a cooldown", () => {
    const a = alertFromDetection(detection);
    expect(a).toMatchObject({
      source: "scenario",
      rule_name: "http-probing",
      severity: "medium",
      site: "paris",
      group_value: "203.0.113.7",
      count: 30,
      event_ids: ["e1", "e2"],
    });
    expect(a.title).toContain("203.0.113.7");
    expect(a.cooldownMs).toBeGreaterThan(0);
    expect(a.channels).toBeUndefined(); // routed by the channels' severity floors
  });

  it("a ban the policy held back says why", () => {
    const a = alertFromPolicy(
      { ...detection, action: "ban" },
      "203.0.113.7 is soft-whitelisted with alert only",
    );
    expect(a.title).toContain("not banned: 203.0.113.7 is soft-whitelisted");
    expect(a.details).toMatchObject({ policy: "203.0.113.7 is soft-whitelisted with alert only" });
  });

  it("a ban waiting for approval is an alert for the analyst, with the pending id", () => {
    const pending: PendingBan = {
      id: "p-1",
      ip: "90.12.77.41",
      country: "FR",
      geo_zone: "authorized",
      threat_score: 0,
      threat_sources: [],
      event_count: 6,
      first_event: "2026-11-22T10:00:00Z",
      last_event: "2026-11-22T10:00:05Z",
      trigger_rule: "ssh-bruteforce",
      reason: "authorized country",
      status: "pending",
      pending_type: "country_policy",
      fp_rule_id: "",
      fp_uri: "",
      fp_hostname: "",
      created_at: "2026-11-22T10:00:05Z",
      reviewed_by: null,
      reviewed_at: null,
    };
    const a = alertFromPendingBan(pending);
    expect(a).toMatchObject({ source: "pending_ban", group_value: "90.12.77.41", count: 6 });
    expect(a.title).toContain("waits for approval");
    expect(a.title).toContain("FR");
    expect(a.details).toMatchObject({ pending_id: "p-1", trigger_rule: "ssh-bruteforce" });
  });
});
