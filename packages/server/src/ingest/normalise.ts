import { uuidv7 } from "uuidv7";
import { type Event, type EventAction, type EventDraft, SEVERITIES, type Severity } from "./event.js";
import { sanitiseEvent } from "./event-validate.js";

/** Geo enrichment as the normaliser needs it (the geo module provides it). */
export interface GeoLookup {
  lookup(
    ip: string,
  ): { country: string; asn: number; org: string; city: string; lat: number; lon: number } | null;
}

export interface Origin {
  site: string;
  sender: string;
}

const ACTIONS = new Set<string>(["allow", "drop", "reject", "quarantine", ""]);
const SEVERITY_SET = new Set<string>(SEVERITIES);

function port(n: unknown): number {
  const v = typeof n === "number" ? n : Number(n);
  return Number.isInteger(v) && v >= 0 && v <= 65535 ? v : 0;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/**
 * Turns a parser's draft into a complete Event: fills defaults, clamps numbers, checks vocabularies,
 * assigns the id, the site and the sender, and adds GeoIP data for the source address. Every value is
 * then brought into its column's type and range (event-validate.ts); what had to change is added to
 * `parse_error`, so the row always stores.
 */
export function finishEvent(
  draft: EventDraft,
  origin: Origin,
  geo: GeoLookup | null,
  receivedAt: number,
): Event {
  return finishEventChecked(draft, origin, geo, receivedAt).event;
}

/** finishEvent, also returning the values validation had to change (HTTP ingest rejects such records). */
export function finishEventChecked(
  draft: EventDraft,
  origin: Origin,
  geo: GeoLookup | null,
  receivedAt: number,
): { event: Event; problems: string[] } {
  const event = buildEvent(draft, origin, geo, receivedAt);
  const problems = sanitiseEvent(event, receivedAt);
  if (problems.length > 0) event.parse_error = [event.parse_error, ...problems].filter(Boolean).join("; ");
  return { event, problems };
}

function buildEvent(draft: EventDraft, origin: Origin, geo: GeoLookup | null, receivedAt: number): Event {
  const severity: Severity = SEVERITY_SET.has(draft.severity ?? "") ? (draft.severity as Severity) : "info";
  const action: EventAction = ACTIONS.has(draft.action ?? "") ? ((draft.action ?? "") as EventAction) : "";
  const ts = draft.timestamp;
  // Any time the parser read is kept here, however odd (before 1970, 1e300): sanitiseEvent then replaces
  // one out of range by the receive time and says so. Absent or 0 = the line had no time.
  const timestamp = typeof ts === "number" && ts !== 0 && !Number.isNaN(ts) ? Math.trunc(ts) : receivedAt;
  const src_ip = str(draft.src_ip);
  const g = src_ip && geo && !draft.geo_country ? geo.lookup(src_ip) : null;
  const status = Number(draft.http_status);
  return {
    // uuidv7() builds its text by concatenation, which V8 keeps as a rope of ~20 pieces (~770 bytes
    // for 36 characters); a flat copy is ~60 bytes, and ids are held in batches and detection windows.
    event_id: ` ${uuidv7()}`.slice(1),
    timestamp,
    site: origin.site,
    source_type: draft.source_type,
    sender: origin.sender,
    log_type: str(draft.log_type),
    category: str(draft.category),
    sub_category: str(draft.sub_category),
    event_type: str(draft.event_type),
    severity,
    mitre_technique: str(draft.mitre_technique),
    src_ip,
    dst_ip: str(draft.dst_ip),
    src_port: port(draft.src_port),
    dst_port: port(draft.dst_port),
    protocol: str(draft.protocol),
    action,
    rule_id: str(draft.rule_id),
    rule_name: str(draft.rule_name),
    hostname: str(draft.hostname),
    user_name: str(draft.user_name),
    url: str(draft.url),
    http_method: str(draft.http_method),
    http_status: Number.isInteger(status) && status >= 0 && status <= 65535 ? status : 0,
    user_agent: str(draft.user_agent),
    geo_country: g?.country ?? str(draft.geo_country),
    geo_city: g?.city ?? str(draft.geo_city),
    geo_asn: g?.asn ?? (Number(draft.geo_asn) || 0),
    geo_org: g?.org ?? str(draft.geo_org),
    geo_lat: g?.lat ?? (Number(draft.geo_lat) || 0),
    geo_lon: g?.lon ?? (Number(draft.geo_lon) || 0),
    message: str(draft.message),
    reason: str(draft.reason),
    raw_log: draft.raw_log,
    modsec_rule_ids: Array.isArray(draft.modsec_rule_ids) ? draft.modsec_rule_ids.map(str) : [],
    modsec_messages: Array.isArray(draft.modsec_messages) ? draft.modsec_messages.map(str) : [],
    unique_id: str(draft.unique_id),
    sophos_id: str(draft.sophos_id),
    device_serial: str(draft.device_serial),
    parse_error: str(draft.parse_error),
    metadata: draft.metadata ?? {},
  };
}

/** ClickHouse DateTime64(3) text in UTC: `2024-01-31 18:19:56.123`. */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace("T", " ");
}

/**
 * Column order of an events row as the writer sends it (JSONCompactEachRow). `source_type` comes first
 * so per-source metrics can read it off the front of a serialised row.
 */
export const EVENT_COLUMNS = [
  "source_type",
  "event_id",
  "timestamp",
  "site",
  "sender",
  "log_type",
  "category",
  "sub_category",
  "severity",
  "mitre_technique",
  "src_ip",
  "dst_ip",
  "src_port",
  "dst_port",
  "protocol",
  "action",
  "rule_id",
  "rule_name",
  "hostname",
  "user_name",
  "url",
  "http_method",
  "http_status",
  "user_agent",
  "geo_country",
  "geo_city",
  "geo_asn",
  "geo_org",
  "geo_lat",
  "geo_lon",
  "message",
  "reason",
  "raw_log",
  "modsec_rule_ids",
  "modsec_messages",
  "unique_id",
  "sophos_id",
  "device_serial",
  "parse_error",
  "event_type",
  "metadata",
] as const satisfies readonly (keyof Event)[];

/**
 * One JSONCompactEachRow line for the `events` table, values in EVENT_COLUMNS order. Timestamps go as
 * integer milliseconds (ClickHouse reads them into DateTime64(3)); no key names, no date formatting,
 * no object copy: this runs for every event.
 */
export function eventRow(e: Event): string {
  return JSON.stringify([
    e.source_type,
    e.event_id,
    e.timestamp,
    e.site,
    e.sender,
    e.log_type,
    e.category,
    e.sub_category,
    e.severity,
    e.mitre_technique,
    e.src_ip,
    e.dst_ip,
    e.src_port,
    e.dst_port,
    e.protocol,
    e.action,
    e.rule_id,
    e.rule_name,
    e.hostname,
    e.user_name,
    e.url,
    e.http_method,
    e.http_status,
    e.user_agent,
    e.geo_country,
    e.geo_city,
    e.geo_asn,
    e.geo_org,
    e.geo_lat,
    e.geo_lon,
    e.message,
    e.reason,
    e.raw_log,
    e.modsec_rule_ids,
    e.modsec_messages,
    e.unique_id,
    e.sophos_id,
    e.device_serial,
    e.parse_error,
    e.event_type,
    e.metadata,
  ]);
}
