import type { Alert } from "../types.js";
import type { Notification } from "./types.js";

/** A critical alert whose values carry markup, so every test checks escaping for free. */
export const criticalAlert: Notification = {
  alert_id: "01HZX-alert-1",
  title: "Firewall drop surge <script>alert(1)</script>",
  severity: "critical",
  rule: "fw-drops & scans",
  group_value: "203.0.113.7",
  count: 25,
  site: "paris",
  first_seen: "2026-11-21T10:00:00Z",
  last_seen: "2026-11-21T10:00:42Z",
  link: "https://vigil.example.com/alerts/01HZX-alert-1",
  summary: "25 drops from 203.0.113.7 in 1m <b>bold</b>",
};

/** An alert as the alert service hands it to the notifier. */
export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: "0190f0e0-0000-7000-8000-00000000a001",
    source: "rule",
    rule_id: null,
    rule_name: "fw-drops",
    title: "Firewall drop surge",
    severity: "high",
    state: "new",
    site: "paris",
    group_by: "src_ip",
    group_value: "203.0.113.7",
    count: 25,
    threshold: 20,
    first_seen: "2026-11-21T10:00:00.000Z",
    last_seen: "2026-11-21T10:00:42.000Z",
    event_ids: [],
    details: {},
    assigned_to: null,
    escalated_to: null,
    escalated_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    repeat_count: 0,
    suppressed_notifications: 0,
    created_at: "2026-11-21T10:00:42.000Z",
    updated_at: "2026-11-21T10:00:42.000Z",
    ...overrides,
  };
}
