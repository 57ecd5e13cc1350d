/**
 * Shipped hunting queries (GET /api/v1/search/templates): starting points an analyst opens in the
 * workbench and adapts. Each runs as is over the tables' real columns (templates.test.ts runs them).
 */
export interface SearchTemplate {
  id: string;
  name: string;
  description: string;
  query: string;
  /** The time range it is written for, in days back from now (the workbench's default is 1). */
  range_days: number;
}

export const TEMPLATES: readonly SearchTemplate[] = [
  {
    id: "brute-force-by-user",
    name: "Brute force by user",
    description:
      "Accounts with five or more failed logins (SSH, VPN, or a sender's own failure events), with how many source IPs tried.",
    query: `Events
| where isnotempty(user_name)
| where (log_type == "SSH" and sub_category == "failure")
    or (log_type == "VPN" and message contains "failed")
    or event_type contains "fail"
| summarize failures = count(), sources = dcount(src_ip), first_seen = min(timestamp), last_seen = max(timestamp) by user_name, site
| where failures >= 5
| sort by failures desc`,
    range_days: 1,
  },
  {
    id: "top-waf-rules",
    name: "Top WAF rules",
    description:
      "The ModSecurity / OWASP CRS rules that fired most, how many sources tripped them and how often they blocked.",
    query: `ModSecLogs
| summarize hits = count(), sources = dcount(src_ip), blocked = countif(is_blocking), max_score = max(anomaly_score) by rule_id, rule_msg
| top 20 by hits`,
    range_days: 1,
  },
  {
    id: "new-countries",
    name: "New source countries",
    description: "Countries whose first event in the last 30 days came within the last day.",
    query: `Events
| where isnotempty(geo_country)
| summarize first_seen = min(timestamp), events = count(), sources = dcount(src_ip) by geo_country
| where first_seen > ago(1d)
| sort by first_seen desc`,
    range_days: 30,
  },
  {
    id: "port-scans",
    name: "Port scans",
    description:
      "Sources that were refused on 20 or more distinct ports within ten minutes, or that a sender reported as a port scan.",
    query: `Events
| where (log_type == "Firewall" and action in ("drop", "reject")) or event_type == "port_scan"
| summarize ports = dcount(dst_port), targets = dcount(dst_ip), attempts = count() by src_ip, window = bin(timestamp, 10m)
| where ports >= 20
| sort by ports desc`,
    range_days: 1,
  },
];
