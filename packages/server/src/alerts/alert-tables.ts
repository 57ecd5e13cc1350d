import type { ColumnType, Generated } from "kysely";
import type { DefaultedTimestamp, NullableTimestamp, Timestamp } from "../auth/auth-tables.js";
import type { Filter } from "../detection/types.js";
import type { AlertActionKind, AlertSource, AlertState, Severity, TriageStatus } from "./types.js";

/** Kysely view of the tables created by migration 0009-alerts. jsonb columns are written as JSON text. */
type Json<T> = ColumnType<T, string | undefined, string>;
type JsonRequired<T> = ColumnType<T, string, string>;

export interface AlertRulesTable {
  id: string;
  name: string;
  description: Generated<string>;
  enabled: Generated<boolean>;
  severity: Severity;
  sites: Json<string[]>;
  /** The client whose rule this is (matches its sites only); null: the operator's, every site. */
  client: ColumnType<string | null, string | null | undefined, string | null>;
  channels: Json<string[]>;
  detection: JsonRequired<{
    filter: Filter;
    threshold: number;
    window: string;
    group_by: string;
    distinct?: string;
  }>;
  cooldown_s: Generated<number>;
  escalation: ColumnType<
    { after: string; channels: string[]; users: string[] } | null,
    string | null | undefined,
    string | null
  >;
  builtin: Generated<boolean>;
  trigger_count: Generated<number>;
  last_triggered_at: NullableTimestamp;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface AlertsTable {
  id: string;
  source: AlertSource;
  rule_id: string | null;
  rule_name: string;
  title: string;
  severity: Severity;
  state: ColumnType<AlertState, AlertState | undefined, AlertState>;
  site: Generated<string>;
  group_by: Generated<string>;
  group_value: Generated<string>;
  count: Generated<number>;
  threshold: Generated<number>;
  first_seen: Timestamp;
  last_seen: Timestamp;
  event_ids: Json<string[]>;
  details: Json<Record<string, unknown>>;
  assigned_to: string | null;
  escalated_to: string | null;
  escalated_at: NullableTimestamp;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
  resolved_at: NullableTimestamp;
  resolved_by: string | null;
  repeat_count: Generated<number>;
  suppressed_notifications: Generated<number>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface AlertActionsTable {
  /** bigserial: read back as text. */
  id: ColumnType<string, never, never>;
  alert_id: string;
  at: DefaultedTimestamp;
  actor: string;
  action: AlertActionKind;
  detail: Json<Record<string, unknown>>;
}

export interface EventTriageTable {
  event_id: string;
  status: TriageStatus;
  assigned_to: string | null;
  updated_by: string;
  updated_at: DefaultedTimestamp;
}

export interface AlertTables {
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_actions: AlertActionsTable;
  event_triage: EventTriageTable;
}

declare module "../storage/state-schema.js" {
  interface StateDatabase extends AlertTables {}
}
