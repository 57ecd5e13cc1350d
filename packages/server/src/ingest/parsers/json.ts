/**
 * A line that is one JSON object (source_type "json"): Vigil's own Event field names are taken as
 * they are, and the usual names other shippers use are understood too — flat (`src`, `client_ip`,
 * `@timestamp`, `msg`), ECS nested or dotted (`source.ip`, `url.original`, `http.request.method`),
 * and Envoy access-log JSON (`downstream_remote_address`, `response_code`). Container runtimes wrap
 * lines as `<time> stdout F <json>`; that wrapper is removed. A value of the wrong type is coerced
 * when it safely can be, otherwise skipped and named in `parse_error` — never thrown.
 */
import type { EventDraft, ParseContext, ParseResult, Parser, Severity } from "../event.js";
import { cefSeverity } from "./cef.js";
import {
  actionFromWord,
  normaliseIp,
  parseIsoTime,
  severityFromSyslog,
  severityFromWord,
  splitHostPort,
} from "./common.js";

type Obj = Record<string, unknown>;
type Kind = "string" | "int" | "ip" | "strings";

const STRING_FIELDS: Record<string, string[]> = {
  log_type: ["log_type", "event.module", "type"],
  category: ["category", "event.category"],
  sub_category: ["sub_category", "event.type", "subcategory"],
  mitre_technique: ["mitre_technique", "threat.technique.id"],
  protocol: ["protocol", "network.transport", "proto"],
  rule_id: ["rule_id", "rule.id", "signature_id"],
  rule_name: ["rule_name", "rule.name", "signature"],
  hostname: ["hostname", "host.name", "host", "url.domain", ":authority", "server_name"],
  user_name: ["user_name", "user.name", "user", "username", "suser"],
  url: ["url", "url.original", "url.path", "request_uri", "uri", "path", "x-envoy-origin-path"],
  http_method: ["http_method", "http.request.method", "method", "request_method", "verb"],
  user_agent: ["user_agent", "user_agent.original", "user-agent", "http_user_agent", "useragent"],
  message: ["message", "msg", "log", "event.original"],
  reason: ["reason", "event.reason"],
  unique_id: ["unique_id", "transaction.id", "request_id", "x-request-id"],
  sophos_id: ["sophos_id"],
  device_serial: ["device_serial", "observer.serial_number"],
};
const IP_FIELDS: Record<string, string[]> = {
  src_ip: [
    "src_ip",
    "src",
    "source_ip",
    "source.ip",
    "client_ip",
    "client.ip",
    "srcip",
    "remote_addr",
    "clientip",
  ],
  dst_ip: ["dst_ip", "dst", "dest_ip", "destination_ip", "destination.ip", "server.ip", "dstip"],
};
const INT_FIELDS: Record<string, string[]> = {
  src_port: ["src_port", "spt", "source_port", "source.port", "client.port", "srcport"],
  dst_port: [
    "dst_port",
    "dpt",
    "dest_port",
    "destination_port",
    "destination.port",
    "server.port",
    "dstport",
  ],
  http_status: ["http_status", "http.response.status_code", "status", "status_code", "response_code"],
  geo_asn: ["geo_asn"],
};
const TIME_KEYS = [
  "timestamp",
  "@timestamp",
  "time",
  "ts",
  "datetime",
  "date",
  "event.created",
  "start_time",
];
const SEVERITY_KEYS = ["severity", "event.severity", "level", "log.level", "priority"];
const SYSLOG_SEVERITY_KEYS = ["syslog_severity", "log.syslog.severity.code"];

/**
 * Every value of the document under its dotted path (`source.ip`), whether the sender nested it
 * (`{"source":{"ip":…}}`) or wrote the dots itself (`{"source.ip":…}`); objects are kept too, so a
 * field that is an object where text was expected can be reported.
 */
function flatten(doc: Obj, prefix = "", out = new Map<string, unknown>(), depth = 0): Map<string, unknown> {
  for (const [k, v] of Object.entries(doc)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (!out.has(key)) out.set(key, v);
    if (v && typeof v === "object" && !Array.isArray(v) && depth < 6) flatten(v as Obj, key, out, depth + 1);
  }
  return out;
}

const isObject = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v);

/** First alias with a usable value; an object under an alias only counts when no alias has a leaf. */
function first(doc: Map<string, unknown>, keys: readonly string[]): { key: string; value: unknown } | null {
  let objectHit: { key: string; value: unknown } | null = null;
  for (const key of keys) {
    const value = doc.get(key);
    if (value === undefined || value === null || value === "") continue;
    if (isObject(value)) objectHit ??= { key, value };
    else return { key, value };
  }
  return objectHit;
}

/** Epoch seconds, ms or µs as a number or numeric string; ISO 8601; anything Date can read. */
function toTime(value: unknown, ctx: ParseContext): number | null {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : NaN;
  if (Number.isFinite(n) && n > 0) {
    if (n < 1e11) return Math.round(n * 1000);
    if (n < 1e14) return Math.round(n);
    return Math.round(n / 1000);
  }
  if (typeof value !== "string") return null;
  const iso = parseIsoTime(value, ctx.timezone);
  if (iso !== null) return iso;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function toSeverity(value: unknown, syslogScale: boolean): Severity | null {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (Number.isFinite(n)) return syslogScale ? severityFromSyslog(n) : cefSeverity(String(n));
  return typeof value === "string" ? severityFromWord(value) : null;
}

const CRI_RE = /^\S+ (?:stdout|stderr) [FP] (?=\{)/;

export const parseJson: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const body = line.startsWith("{") ? line : line.replace(CRI_RE, "");
  if (!body.startsWith("{")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return null;
  return { event: fromObject(parsed as Obj, line, ctx) };
};

export function fromObject(parsed: Obj, line: string, ctx: ParseContext): EventDraft {
  const doc = flatten(parsed);
  const problems: string[] = [];
  const event: EventDraft = { source_type: "json", raw_log: line };
  const fields = event as unknown as Record<string, unknown>;
  const take = (field: string, keys: readonly string[], kind: Kind) => {
    const hit = first(doc, keys);
    if (!hit) return;
    const v = coerce(hit.value, kind);
    if (v === undefined) problems.push(`${hit.key}: ${describe(hit.value)} is not a valid ${kind}`);
    else if (!(field in fields) || fields[field] === "" || fields[field] === 0) fields[field] = v;
  };
  for (const [field, keys] of Object.entries(STRING_FIELDS)) take(field, keys, "string");
  for (const [field, keys] of Object.entries(IP_FIELDS)) take(field, keys, "ip");
  for (const [field, keys] of Object.entries(INT_FIELDS)) take(field, keys, "int");
  take("modsec_rule_ids", ["modsec_rule_ids"], "strings");
  take("modsec_messages", ["modsec_messages"], "strings");
  // Envoy writes `downstream_remote_address: "ip:port"`.
  const peer = first(doc, ["downstream_remote_address", "client.address"]);
  if (peer && typeof peer.value === "string" && !event.src_ip) {
    const hp = splitHostPort(peer.value);
    event.src_ip = hp.ip;
    if (!event.src_port) event.src_port = hp.port;
  }

  const time = first(doc, TIME_KEYS);
  const ts = time ? toTime(time.value, ctx) : null;
  if (time && ts === null) problems.push(`${time.key}: ${describe(time.value)} is not a time`);
  event.timestamp = ts ?? ctx.syslog?.timestamp ?? ctx.receivedAt;

  const sysSev = first(doc, SYSLOG_SEVERITY_KEYS);
  const sev = sysSev ?? first(doc, SEVERITY_KEYS);
  if (sev) {
    const s = toSeverity(sev.value, sev === sysSev);
    if (s) event.severity = s;
    else problems.push(`${sev.key}: ${describe(sev.value)} is not a severity`);
  }
  const action = first(doc, ["action", "event.action", "event.outcome"]);
  if (action && typeof action.value === "string") event.action = actionFromWord(action.value);
  if (problems.length) event.parse_error = `json: ${problems.join("; ")}`;
  return event;
}

function coerce(value: unknown, kind: Kind): unknown {
  switch (kind) {
    case "string":
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(", ");
      return undefined;
    case "int": {
      const n =
        typeof value === "number"
          ? value
          : typeof value === "string" && /^\s*\d+\s*$/.test(value)
            ? Number(value)
            : NaN;
      return Number.isInteger(n) && n >= 0 ? n : undefined;
    }
    case "ip":
      return typeof value === "string" && normaliseIp(value) ? normaliseIp(value) : undefined;
    case "strings":
      if (Array.isArray(value))
        return value.filter((v) => typeof v === "string" || typeof v === "number").map(String);
      return typeof value === "string" ? [value] : undefined;
  }
}

function describe(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
