import type { Selectable } from "kysely";
import type { AlertActionsTable, AlertsTable } from "./alert-tables.js";
import type { Alert, AlertAction } from "./types.js";

/** Rows of `alerts` and `alert_actions` as the API shows them (ISO times, parsed JSON). */
export const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();
const isoOrNull = (d: Date | string | null): string | null => (d === null ? null : iso(d));

/** PGlite and pg both parse jsonb; a driver that hands back text is parsed here. */
export function json<T>(value: unknown, fallback: T): T {
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as T;
    } catch {
      return fallback;
    }
  }
  return (value ?? fallback) as T;
}

export function alertFromRow(row: Selectable<AlertsTable>): Alert {
  return {
    id: row.id,
    source: row.source,
    rule_id: row.rule_id,
    rule_name: row.rule_name,
    title: row.title,
    severity: row.severity,
    state: row.state,
    site: row.site,
    group_by: row.group_by,
    group_value: row.group_value,
    count: row.count,
    threshold: row.threshold,
    first_seen: iso(row.first_seen),
    last_seen: iso(row.last_seen),
    event_ids: json<string[]>(row.event_ids, []),
    details: json<Record<string, unknown>>(row.details, {}),
    assigned_to: row.assigned_to,
    escalated_to: row.escalated_to,
    escalated_at: isoOrNull(row.escalated_at),
    acknowledged_at: isoOrNull(row.acknowledged_at),
    acknowledged_by: row.acknowledged_by,
    resolved_at: isoOrNull(row.resolved_at),
    resolved_by: row.resolved_by,
    repeat_count: row.repeat_count,
    suppressed_notifications: row.suppressed_notifications,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function actionFromRow(row: Selectable<AlertActionsTable>): AlertAction {
  return {
    id: String(row.id),
    alert_id: row.alert_id,
    at: iso(row.at),
    actor: row.actor,
    action: row.action,
    detail: json<Record<string, unknown>>(row.detail, {}),
  };
}
