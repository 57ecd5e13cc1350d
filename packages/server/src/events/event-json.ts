import type { Event, ModSecRow } from "../ingest/event.js";

/**
 * An Event as the API sends it: the same fields, `timestamp` as ISO 8601. In a list, `truncated: true`
 * says that `message` or `raw_log` is an excerpt (see EVENT_LIST_SELECT); the event's own route has them
 * whole.
 */
export type EventJson = Omit<Event, "timestamp"> & { timestamp: string; truncated?: boolean };
/** A ModSecurity row as the API sends it. */
export type ModSecJson = Omit<ModSecRow, "timestamp"> & { timestamp: string };

const EVENT_TEXT = [
  "event_id",
  "site",
  "source_type",
  "sender",
  "log_type",
  "category",
  "sub_category",
  "event_type",
  "severity",
  "mitre_technique",
  "src_ip",
  "dst_ip",
  "protocol",
  "action",
  "rule_id",
  "rule_name",
  "hostname",
  "user_name",
  "url",
  "http_method",
  "user_agent",
  "geo_country",
  "geo_city",
  "geo_org",
  "message",
  "reason",
  "raw_log",
  "unique_id",
  "sophos_id",
  "device_serial",
  "parse_error",
] as const satisfies readonly (keyof Event)[];
const EVENT_NUMBERS = [
  "src_port",
  "dst_port",
  "http_status",
  "geo_asn",
  "geo_lat",
  "geo_lon",
] as const satisfies readonly (keyof Event)[];
const EVENT_ARRAYS = ["modsec_rule_ids", "modsec_messages"] as const satisfies readonly (keyof Event)[];

// Compile-time check that the three lists plus `timestamp` and `metadata` cover every stored Event field
// (`arrival` is in memory only: how an event came in, not a column).
type Listed = (typeof EVENT_TEXT)[number] | (typeof EVENT_NUMBERS)[number] | (typeof EVENT_ARRAYS)[number];
const everyEventField: Exclude<keyof Event, Listed | "timestamp" | "metadata" | "arrival"> extends never
  ? true
  : never = true;
void everyEventField;

/**
 * The SELECT list for an event. The time comes out as epoch ms under its own alias: aliasing it
 * `timestamp` would shadow the column in WHERE and ORDER BY (ClickHouse resolves aliases there).
 */
export const EVENT_SELECT = [
  ...EVENT_TEXT,
  ...EVENT_NUMBERS,
  ...EVENT_ARRAYS,
  "metadata",
  "toUnixTimestamp64Milli(timestamp) AS ts_ms",
].join(", ");

/** Characters of `message` and `raw_log` an event list carries; the detail route has the whole text. */
export const LIST_EXCERPT_CHARS = 2048;

/**
 * The SELECT list for a list of events: EVENT_SELECT with `message` and `raw_log` cut in ClickHouse, so
 * a page of 4 MB lines never brings 4 MB strings into Node (a page of them once exceeded V8's largest
 * string and answered 500). Own aliases: `message` as an alias would shadow the column in the filter.
 */
export const EVENT_LIST_SELECT = [
  ...EVENT_TEXT.filter((k) => k !== "message" && k !== "raw_log"),
  `substringUTF8(message, 1, ${LIST_EXCERPT_CHARS}) AS message_excerpt`,
  `substringUTF8(raw_log, 1, ${LIST_EXCERPT_CHARS}) AS raw_log_excerpt`,
  `(length(message) > ${LIST_EXCERPT_CHARS} AND lengthUTF8(message) > ${LIST_EXCERPT_CHARS})
    OR (length(raw_log) > ${LIST_EXCERPT_CHARS} AND lengthUTF8(raw_log) > ${LIST_EXCERPT_CHARS}) AS excerpt_cut`,
  ...EVENT_NUMBERS,
  ...EVENT_ARRAYS,
  "metadata",
  "toUnixTimestamp64Milli(timestamp) AS ts_ms",
].join(", ");

/** ClickHouse JSON may quote 64-bit integers (a server without our session settings): accept both. */
export function num(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value !== "") {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return 0;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text) : [];
}

/** A Map(String, String) reads back as a JSON object. */
function textMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = text(v);
  return out;
}

export function isoFromMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** A row selected with EVENT_SELECT → the API's Event JSON. */
export function rowToEvent(row: Record<string, unknown>): EventJson {
  const out: Record<string, unknown> = { timestamp: isoFromMs(num(row.ts_ms)) };
  for (const k of EVENT_TEXT) out[k] = text(row[k]);
  for (const k of EVENT_NUMBERS) out[k] = num(row[k]);
  for (const k of EVENT_ARRAYS) out[k] = texts(row[k]);
  out.metadata = textMap(row.metadata);
  if ("excerpt_cut" in row) {
    out.message = text(row.message_excerpt);
    out.raw_log = text(row.raw_log_excerpt);
    // Present only when something was cut, so an event's list shape is its detail shape otherwise.
    if (row.excerpt_cut === true || num(row.excerpt_cut) === 1) out.truncated = true;
  }
  return out as EventJson;
}

export const MODSEC_SELECT = [
  "id",
  "toUnixTimestamp64Milli(timestamp) AS ts_ms",
  "site",
  "unique_id",
  "src_ip",
  "src_port",
  "hostname",
  "uri",
  "rule_id",
  "rule_file",
  "rule_msg",
  "rule_severity",
  "rule_data",
  "crs_version",
  "paranoia_level",
  "attack_type",
  "anomaly_score",
  "total_score",
  "is_blocking",
  "tags",
  "raw_log",
].join(", ");

export function rowToModSec(row: Record<string, unknown>): ModSecJson {
  return {
    id: text(row.id),
    timestamp: isoFromMs(num(row.ts_ms)),
    site: text(row.site),
    unique_id: text(row.unique_id),
    src_ip: text(row.src_ip),
    src_port: num(row.src_port),
    hostname: text(row.hostname),
    uri: text(row.uri),
    rule_id: text(row.rule_id),
    rule_file: text(row.rule_file),
    rule_msg: text(row.rule_msg),
    rule_severity: text(row.rule_severity),
    rule_data: text(row.rule_data),
    crs_version: text(row.crs_version),
    paranoia_level: num(row.paranoia_level),
    attack_type: text(row.attack_type),
    anomaly_score: num(row.anomaly_score),
    total_score: num(row.total_score),
    is_blocking: num(row.is_blocking) !== 0 || row.is_blocking === true,
    tags: texts(row.tags),
    raw_log: text(row.raw_log),
  };
}
