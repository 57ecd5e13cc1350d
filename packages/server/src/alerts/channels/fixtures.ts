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
