/**
 * Contracts of the detection engine (issue "Detect and ban"): scenarios in the seed's YAML format,
 * extended, and the detections the streaming engine emits. Shared by scenarios (ban) and, later, alert
 * rules (alert): one engine, one filter language.
 */
import type { Severity } from "../ingest/event.js";

/**
 * The filter language over any Event field. A plain value means equals; an object picks an operator.
 *   { log_type: "WAF", action: "drop" }                       equals (all must hold)
 *   { log_type: { in: ["WAF", "IPS"] } }                      one of
 *   { severity: { not: "info" } } / { not: { in: [...] } }    negation
 *   { url: { contains: "/wp-login" } }                        substring (case-insensitive)
 *   { user_agent: { regex: "sqlmap|nikto" } }                 regular expression (case-insensitive)
 *   { src_ip: { cidr: "10.0.0.0/8" } }                        IP in range (v4 or v6)
 *   { http_status: { gte: 400, lt: 500 } }                    numeric comparisons (gt, gte, lt, lte)
 *   { any: [ {…}, {…} ] } / { all: [ … ] }                    boolean combinations
 * Fields: every Event field, plus `referer` and `metadata.<key>` (the sender's own key/values, e.g. a
 * header an HTTP ingest sender forwards), both text, "" when absent.
 */
export type FilterValue = string | number | boolean;
export interface FieldCondition {
  eq?: FilterValue;
  in?: FilterValue[];
  not?: FilterValue | FieldCondition;
  contains?: string | string[];
  regex?: string;
  cidr?: string | string[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}
export type Filter = { [field: string]: FilterValue | FieldCondition | Filter[] | undefined } & {
  any?: Filter[];
  all?: Filter[];
};

export type ScenarioActionType = "ban" | "alert";

export interface Scenario {
  name: string; // unique, [a-z0-9_-]
  description: string;
  enabled: boolean;
  severity: Severity;
  /** MITRE ATT&CK technique ids and free tags, e.g. ["T1110", "brute-force"]. */
  labels: string[];
  detection: {
    /** Only "events" for now (the seed's field). */
    source: "events";
    filter: Filter;
    /** Events (or distinct values when `distinct` is set) needed in the window; 1 = immediate. */
    threshold: number;
    /** Sliding window in ms (YAML: "30s", "5m", "1h"). */
    windowMs: number;
    /** Event field whose value keys the window, usually src_ip. */
    group_by: string;
    /** Count distinct values of this field instead of events (port scan: distinct dst_port). */
    distinct?: string;
    /**
     * How events are counted (YAML `detection.type`): `window` (default) counts within a sliding
     * window; `trigger` acts on the first matching event (threshold 1); `leaky` is CrowdSec's leaky
     * bucket: each event adds one, one leaks out every `leakMs`, and the bucket acts at `threshold`.
     */
    mode?: "window" | "trigger" | "leaky";
    /** Leaky bucket: one event leaks out every this many ms (YAML `leak: 10s`). */
    leakMs?: number;
  };
  action: {
    type: ScenarioActionType;
    /** Ban duration in ms (YAML: "4h"); absent = the tier's duration. */
    durationMs?: number;
    /** Ask the reputation provider before banning. */
    validate_threat: boolean;
    /**
     * Ban private, loopback, link-local, multicast addresses and the operator's own networks too
     * (YAML `action.ban_internal: true`); without it they are never banned automatically.
     */
    ban_internal?: boolean;
  };
  /** Where it came from: "builtin:<file>", "dir:<file>" or "api". */
  origin: string;
}

/** What the engine emits when a (scenario, group value) crosses its threshold. */
export interface Detection {
  scenario: string;
  action: ScenarioActionType;
  severity: Severity;
  labels: string[];
  group_by: string;
  /** The group value, e.g. the attacking IP. */
  value: string;
  /** Events (or distinct values) counted in the window when it fired. */
  count: number;
  threshold: number;
  windowMs: number;
  first_seen: number; // ms UTC
  last_seen: number; // ms UTC
  /** A few of the triggering events' ids (newest last), for the console and the alert. */
  event_ids: string[];
  /** Context from the last triggering event (site, country, rule, uri, hostname) for the ban policy. */
  site: string;
  country: string;
  rule_id: string;
  url: string;
  hostname: string;
  durationMs?: number;
  validate_threat: boolean;
  /** The scenario bans internal addresses too (see Scenario.action.ban_internal). */
  ban_internal?: boolean;
  /**
   * Every event counted came from a registered source or an authenticated channel. Events from
   * anyone else count in windows of their own, so forged lines can neither fire nor feed a trusted
   * detection; their detections ask a person before banning (docs/THREAT-MODEL.md).
   */
  trusted: boolean;
  /** The last counted event's channel (udp, tcp, tls, http; "" when unknown) and sender. */
  channel: string;
  sender: string;
}
