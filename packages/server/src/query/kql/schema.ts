import { EVENT_COLUMNS } from "../../ingest/normalise.js";

/** The value types of the subset, by their Kusto names. */
export type KqlType = "string" | "long" | "real" | "bool" | "datetime" | "timespan" | "dynamic";

export interface ColumnDef {
  name: string;
  type: KqlType;
  /** How the column reads from the ClickHouse table (its own name, or a conversion). */
  sql: string;
}

export interface TableDef {
  /** The name a query uses. */
  name: string;
  /** The ClickHouse table. */
  table: "events" | "modsec_logs";
  columns: readonly ColumnDef[];
  description: string;
}

/** ClickHouse column type → KQL type and read expression (UUIDs read as text, UInt8 flags as bool). */
function column(name: string, chType: string): ColumnDef {
  if (chType === "UUID") return { name, type: "string", sql: `toString(${name})` };
  if (chType === "Flag") return { name, type: "bool", sql: `toBool(${name})` };
  // The sender's own key/values read as their JSON text: contains/has search it, project shows it.
  if (chType.startsWith("Map")) return { name, type: "string", sql: `toJSONString(${name})` };
  if (chType.startsWith("DateTime64")) return { name, type: "datetime", sql: name };
  if (/^U?Int\d+$/.test(chType)) return { name, type: "long", sql: name };
  if (/^Float\d+$/.test(chType)) return { name, type: "real", sql: name };
  if (chType.startsWith("Array")) return { name, type: "dynamic", sql: name };
  return { name, type: "string", sql: name };
}

/**
 * The `events` table's columns and their ClickHouse types (storage/migrations/events 0001, 0005).
 * kql-run.test.ts compares these with DESCRIBE TABLE: a column added by a migration and not here fails it.
 */
const EVENT_TYPES: Record<string, string> = {
  event_id: "UUID",
  timestamp: "DateTime64(3)",
  site: "String",
  source_type: "String",
  sender: "String",
  log_type: "String",
  category: "String",
  sub_category: "String",
  event_type: "String",
  severity: "String",
  mitre_technique: "String",
  src_ip: "String",
  dst_ip: "String",
  src_port: "UInt16",
  dst_port: "UInt16",
  protocol: "String",
  action: "String",
  rule_id: "String",
  rule_name: "String",
  hostname: "String",
  user_name: "String",
  url: "String",
  http_method: "String",
  http_status: "UInt16",
  user_agent: "String",
  geo_country: "String",
  geo_city: "String",
  geo_asn: "UInt32",
  geo_org: "String",
  geo_lat: "Float32",
  geo_lon: "Float32",
  message: "String",
  reason: "String",
  raw_log: "String",
  modsec_rule_ids: "Array(String)",
  modsec_messages: "Array(String)",
  unique_id: "String",
  sophos_id: "String",
  device_serial: "String",
  parse_error: "String",
  metadata: "Map(String, String)",
  ingested_at: "DateTime64(3)",
};

/** `modsec_logs` (migration 0002): one row per ModSecurity rule hit. */
const MODSEC_TYPES: Record<string, string> = {
  id: "UUID",
  timestamp: "DateTime64(3)",
  site: "String",
  unique_id: "String",
  src_ip: "String",
  src_port: "UInt16",
  hostname: "String",
  uri: "String",
  rule_id: "String",
  rule_file: "String",
  rule_msg: "String",
  rule_severity: "String",
  rule_data: "String",
  crs_version: "String",
  paranoia_level: "UInt8",
  attack_type: "String",
  anomaly_score: "UInt32",
  total_score: "UInt32",
  is_blocking: "Flag",
  tags: "Array(String)",
  raw_log: "String",
  ingested_at: "DateTime64(3)",
};

// EVENT_COLUMNS order (what ingest writes), then the store's own column.
const eventColumns = [...EVENT_COLUMNS, "ingested_at"].map((name) =>
  column(name, EVENT_TYPES[name] ?? "String"),
);

const EVENTS: TableDef = {
  name: "Events",
  table: "events",
  columns: eventColumns,
  description: "Every normalised event: firewall, WAF, IPS, VPN, SSH, web and agent logs.",
};

/** Every table a query may start with; `SecurityEvent` is the Sentinel name analysts type. */
export const TABLES: Readonly<Record<string, TableDef>> = {
  Events: EVENTS,
  SecurityEvent: { ...EVENTS, name: "SecurityEvent" },
  ModSecLogs: {
    name: "ModSecLogs",
    table: "modsec_logs",
    columns: Object.entries(MODSEC_TYPES).map(([name, t]) => column(name, t)),
    description: "One row per ModSecurity / OWASP CRS rule hit, linked to its WAF event by unique_id.",
  },
};

export const TABLE_NAMES = Object.keys(TABLES);

/** For tests: the ClickHouse types this schema assumes for `events`. */
export const EVENT_CLICKHOUSE_TYPES = EVENT_TYPES;
export const MODSEC_CLICKHOUSE_TYPES = MODSEC_TYPES;
