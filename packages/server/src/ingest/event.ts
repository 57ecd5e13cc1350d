/**
 * The normalised Event: every parser turns a line into this shape once, at the edge, and everything
 * downstream (store, detection, API, console) works on it. Field names follow the seed's data model
 * (`seeds/vigilance-x-data-models.md`), plus `site`, `source_type`, `sender` and a few links.
 */

import type { SyslogTransport } from "./syslog/types.js";

export const LOG_TYPES = ["WAF", "IPS", "ATP", "Anti-Virus", "Firewall", "VPN"] as const;
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export const ACTIONS = ["allow", "drop", "reject", "quarantine"] as const;

export type Severity = (typeof SEVERITIES)[number];
/** `""` when the log says nothing about what was done. */
export type EventAction = (typeof ACTIONS)[number] | "";

/** Which parser produced the event. `unknown` = no parser recognised the line; it is kept raw. */
export type SourceType =
  | "sophos"
  | "modsecurity"
  | "nginx"
  | "apache"
  | "sshd"
  | "rfc5424"
  | "cef"
  | "json"
  | "http"
  | "unknown";

export interface Event {
  event_id: string; // UUIDv7
  /** Milliseconds since the Unix epoch, UTC. */
  timestamp: number;
  site: string;
  source_type: SourceType;
  /** Who sent it: the syslog peer address, or the API key's name for HTTP ingest. */
  sender: string;

  // Classification
  log_type: string; // one of LOG_TYPES, or the source's own type kept as given (e.g. "Event", "Heartbeat", "SSH")
  category: string;
  sub_category: string;
  /** What happened, in the sender's own words (SOC-30 `event_type`, e.g. "port_scan"); "" when not given. */
  event_type: string;
  severity: Severity;
  mitre_technique: string;

  // Network (IPv4 or IPv6 as text; "" when absent)
  src_ip: string;
  dst_ip: string;
  src_port: number;
  dst_port: number;
  protocol: string;

  // Action
  action: EventAction;
  rule_id: string;
  rule_name: string;

  // Context
  hostname: string;
  user_name: string;
  url: string;
  http_method: string;
  http_status: number;
  user_agent: string;

  // Geo (filled by enrichment, from src_ip)
  geo_country: string; // ISO 3166-1 alpha-2
  geo_city: string;
  geo_asn: number;
  geo_org: string;
  geo_lat: number;
  geo_lon: number;

  // Message
  message: string;
  reason: string;
  /** The whole line exactly as received, syslog header included; cut only past the size limit (then flagged). */
  raw_log: string;

  // ModSecurity enrichment; `unique_id` links the event to its rows in `modsec_logs`.
  modsec_rule_ids: string[];
  modsec_messages: string[];
  unique_id: string;

  // Source metadata
  sophos_id: string; // Sophos log_id
  device_serial: string; // firewall serial / device id when the log carries one
  /** Why the parser could not read the line fully; "" when it could. */
  parse_error: string;
  /** The sender's own key/values (SOC-30 `metadata`), values as text (JSON for non-text values). */
  metadata: Record<string, string>;
  /**
   * How the event reached Vigil, set at ingest and kept in memory only (not a stored column): the ban
   * policy trusts detections only from registered or authenticated senders. Absent = not trusted.
   */
  arrival?: Arrival;
}

/** The channel an event came in on, and whether its sender is one we know (see docs/THREAT-MODEL.md). */
export interface Arrival {
  /** Syslog transport, or `http` for the authenticated ingest API. */
  channel: SyslogTransport | "http";
  /**
   * True when the sender's address is a registered source (syslog) or the request was authenticated
   * (HTTP ingest key or user). A syslog header hostname or serial never makes a sender trusted: the
   * sender writes those.
   */
  trusted: boolean;
}

/** What a parser returns: the fields it found. The normaliser fills the rest with defaults. */
export type EventDraft = Partial<Omit<Event, "event_id" | "site" | "sender" | "arrival">> & {
  source_type: SourceType;
  raw_log: string;
};

/** One ModSecurity rule hit, a row of `modsec_logs` (seed ModSecLog). */
export interface ModSecRow {
  id: string; // UUIDv7
  timestamp: number; // ms since epoch, UTC
  site: string;
  unique_id: string;
  src_ip: string;
  src_port: number;
  hostname: string;
  uri: string;
  rule_id: string;
  rule_file: string;
  rule_msg: string;
  rule_severity: string; // CRITICAL, WARNING, NOTICE, ...
  rule_data: string;
  crs_version: string;
  paranoia_level: number;
  attack_type: string; // sql, xss, lfi, rfi, rce, protocol, ...
  anomaly_score: number;
  total_score: number;
  is_blocking: boolean; // rule 949110 (or 959100/980130 style blocking evaluation)
  tags: string[];
  raw_log: string;
}

export type ModSecDraft = Partial<Omit<ModSecRow, "id" | "site">> & { raw_log: string };

/** What the syslog header said (RFC 3164 or RFC 5424), when the line came over syslog. */
export interface SyslogMeta {
  facility: number | null;
  /** Syslog severity 0 (emerg) .. 7 (debug) from PRI; null when the line had no PRI. */
  severity: number | null;
  /** Header time as ms since epoch UTC, resolved with the sender's zone when the header had none. */
  timestamp: number | null;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** RFC 5424 structured data: SD-ID → (param → value). */
  structuredData: Record<string, Record<string, string>>;
}

/** Context a parser may need: when the line arrived, the sender's time zone, the syslog header. */
export interface ParseContext {
  /** ms since epoch, UTC: used when the line carries no usable time. */
  receivedAt: number;
  /** IANA zone of the sender (e.g. "Europe/Paris"), used when the line's own time has no offset. */
  timezone: string;
  /** Present when the line arrived over syslog; parsers may use appName as a hint and the time as a fallback. */
  syslog?: SyslogMeta;
}

export interface ParseResult {
  /** Absent only when the line is a pure ModSecurity rule row that belongs to another request's event. */
  event?: EventDraft;
  modsec?: ModSecDraft[];
}

/** A parser: pure, no I/O. Returns null when the line is not in its format. */
export type Parser = (line: string, ctx: ParseContext) => ParseResult | null;
