/**
 * Contracts of the alerts feature (issue "Alerts"), shared by the server's services and routes and by
 * the console. Times are ISO-8601 strings in UTC.
 *
 * Flow: a rule (or a scenario with action alert, a ban waiting for approval, the system itself) raises
 * an alert → stored in `alerts`, history in `alert_actions` → WebSocket `alert` (rooms by site and
 * severity) → notifications on the rule's channels (or, for alerts without channels of their own, on
 * every channel whose `min_severity` they reach), each channel rate-limited, suppressed sends counted.
 */
import type { Filter } from "../detection/types.js";
import type { Severity } from "../ingest/event.js";

export type { Severity };
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

export type AlertState = "new" | "acknowledged" | "investigating" | "resolved" | "false_positive";
export const ALERT_STATES: readonly AlertState[] = [
  "new",
  "acknowledged",
  "investigating",
  "resolved",
  "false_positive",
];
/** States in which an alert still needs someone. */
export const OPEN_STATES: readonly AlertState[] = ["new", "acknowledged", "investigating"];

export type AlertSource = "rule" | "scenario" | "pending_ban" | "system";

/** An alert rule as written in the API (POST/PUT body). Durations are text: "30s", "5m", "1h". */
export interface AlertRuleInput {
  name: string;
  description?: string;
  enabled?: boolean;
  /** Sites the rule watches; absent or [] = every site (of the rule's client, for a client's rule). */
  sites?: string[];
  /**
   * The client whose rule this is: it matches that client's sites only and names that client's
   * channels only. A client's user always writes for their own client; staff may name one (default
   * none: the operator's rule). On PUT, left out = unchanged.
   */
  client?: string | null;
  severity: Severity;
  /** Notification channel ids; each must exist. */
  channels?: string[];
  detection: {
    filter: Filter;
    threshold: number;
    window: string;
    /** Event field keying the count; default "src_ip". "site" counts per site. */
    group_by?: string;
    /** Count distinct values of this field instead of events. */
    distinct?: string;
  };
  /** No second alert for the same rule and group value inside this; default "15m". */
  cooldown?: string;
  /** Not acknowledged within `after` → notify these channels and escalate to these users. */
  escalation?: { after: string; channels?: string[]; users?: string[] } | null;
}

/** An alert rule as the API returns it. */
export interface AlertRule {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  sites: string[];
  /** The client whose rule this is; null: the operator's. */
  client: string | null;
  severity: Severity;
  channels: string[];
  detection: { filter: Filter; threshold: number; window: string; group_by: string; distinct?: string };
  cooldown: string;
  escalation: { after: string; channels: string[]; users: string[] } | null;
  /** Shipped with Vigil (may be edited or disabled, like any other). */
  builtin: boolean;
  trigger_count: number;
  last_triggered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Alert {
  id: string;
  source: AlertSource;
  /** Set for source "rule". */
  rule_id: string | null;
  /** Rule name, scenario name, "pending_ban" or "system:<check>" (e.g. "system:listener_down"). */
  rule_name: string;
  title: string;
  severity: Severity;
  state: AlertState;
  site: string;
  group_by: string;
  group_value: string;
  count: number;
  threshold: number;
  first_seen: string;
  last_seen: string;
  /** Ids of (some of) the triggering events, newest last. */
  event_ids: string[];
  details: Record<string, unknown>;
  assigned_to: string | null;
  escalated_to: string | null;
  escalated_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  /** Later firings folded in by the cooldown. */
  repeat_count: number;
  /** Notifications not sent because a channel's rate limit was reached. */
  suppressed_notifications: number;
  created_at: string;
  updated_at: string;
}

export type AlertActionKind =
  | "created"
  | "repeated"
  | "notified"
  | "notify_failed"
  | "notify_suppressed"
  | "acknowledged"
  | "investigating"
  | "assigned"
  | "escalated"
  | "resolved"
  | "false_positive"
  | "reopened"
  | "comment";

/** One line of an alert's timeline: who did what, when ("system" for Vigil itself). */
export interface AlertAction {
  id: string;
  alert_id: string;
  at: string;
  actor: string;
  action: AlertActionKind;
  /** E.g. {comment}, {user}, {channel_id, channel, error}, {note}. */
  detail: Record<string, unknown>;
}

/** GET /api/v1/alerts/:id */
export interface AlertDetail extends Alert {
  history: AlertAction[];
  /** The triggering events, read from the event store (Event objects as in the events API). */
  events: Record<string, unknown>[];
}

/** GET /api/v1/alerts/stats */
export interface AlertStats {
  open: number;
  by_state: Record<AlertState, number>;
  /** Open alerts by severity. */
  by_severity: Record<Severity, number>;
  last_24h: number;
  /** Top rules by alerts in the last 24 h. */
  top_rules: { rule_name: string; count: number }[];
  /** Median seconds from creation to acknowledgement, over alerts acknowledged in the last 7 days. */
  median_ack_seconds: number | null;
}

/** POST /api/v1/alert-rules/:id/test */
export interface AlertRuleTestResult {
  scanned: number;
  matched: number;
  capped: boolean;
  scanned_until: string;
  bucket_seconds: number;
  buckets: { t: string; events: number; firings: number }[];
  /** What would have fired (after the cooldown), newest last; at most 1000. */
  firings: { group_value: string; count: number; at: string; site: string }[];
}

/** What raises an alert (the alert service's input). */
export interface NewAlert {
  source: AlertSource;
  rule_id?: string | null;
  rule_name: string;
  title: string;
  severity: Severity;
  site?: string;
  group_by?: string;
  group_value?: string;
  count?: number;
  threshold?: number;
  first_seen?: number; // ms
  last_seen?: number; // ms
  event_ids?: string[];
  details?: Record<string, unknown>;
  /** Channel ids; undefined = the channels whose min_severity this alert reaches. */
  channels?: string[];
  /** Cooldown in ms for (rule_name, group_value); 0 or undefined = none. */
  cooldownMs?: number;
}

export type TriageStatus = "new" | "investigating" | "resolved";
export const TRIAGE_STATUSES: readonly TriageStatus[] = ["new", "investigating", "resolved"];

/** PATCH /api/v1/events/:id/status — body and reply. */
export interface EventTriage {
  event_id: string;
  status: TriageStatus;
  assigned_to: string | null;
  updated_by: string;
  updated_at: string;
}
