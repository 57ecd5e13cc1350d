import type { Event } from "../ingest/event.js";

/**
 * What kind of value each Event field holds, for the filter compiler and scenario validation
 * (`group_by`, `distinct`). The `satisfies` makes a new Event field a compile error here until listed.
 */
export type FieldKind = "text" | "number" | "list";

export const EVENT_FIELD_KINDS = {
  event_id: "text",
  timestamp: "number",
  site: "text",
  source_type: "text",
  sender: "text",
  log_type: "text",
  category: "text",
  sub_category: "text",
  event_type: "text",
  severity: "text",
  mitre_technique: "text",
  src_ip: "text",
  dst_ip: "text",
  src_port: "number",
  dst_port: "number",
  protocol: "text",
  action: "text",
  rule_id: "text",
  rule_name: "text",
  hostname: "text",
  user_name: "text",
  url: "text",
  http_method: "text",
  http_status: "number",
  user_agent: "text",
  geo_country: "text",
  geo_city: "text",
  geo_asn: "number",
  geo_org: "text",
  geo_lat: "number",
  geo_lon: "number",
  message: "text",
  reason: "text",
  raw_log: "text",
  modsec_rule_ids: "list",
  modsec_messages: "list",
  unique_id: "text",
  sophos_id: "text",
  device_serial: "text",
  parse_error: "text",
  // `metadata` (the sender's own key/values) is not a detection field: its keys differ per sender.
  // `arrival` (how the event came in) is not one either: the ban policy reads it, filters do not.
} as const satisfies Record<Exclude<keyof Event, "metadata" | "arrival">, FieldKind>;

export type EventField = keyof typeof EVENT_FIELD_KINDS;

export function isEventField(name: string): name is EventField {
  return Object.hasOwn(EVENT_FIELD_KINDS, name);
}

/** A field's value as text (numbers in decimal), the form group keys and distinct values take. */
export function fieldText(event: Event, field: EventField): string {
  const v = event[field];
  return typeof v === "string" ? v : Array.isArray(v) ? v.join(",") : String(v);
}
