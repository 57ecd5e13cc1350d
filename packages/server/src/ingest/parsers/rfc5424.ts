/**
 * Generic RFC 5424 (source_type "rfc5424"): the last resort before "unknown" for a line that came
 * with STRUCTURED-DATA no other parser recognised. Well-known parameter names become Event fields,
 * the free-text MSG becomes the message, and the PRI severity the event's severity. Parameters with
 * no Event field are kept readable in `reason` so nothing the sender structured is lost to search.
 */
import type { EventDraft, ParseContext, ParseResult, Parser } from "../event.js";
import { actionFromWord, normaliseIp, severityFromSyslog, severityFromWord, toInt } from "./common.js";
import { readPrefix } from "./prefix.js";

type Field =
  | "src_ip"
  | "dst_ip"
  | "src_port"
  | "dst_port"
  | "user_name"
  | "action"
  | "severity"
  | "protocol"
  | "hostname"
  | "url"
  | "http_method"
  | "http_status"
  | "user_agent"
  | "rule_id"
  | "rule_name"
  | "category"
  | "log_type"
  | "message";

const PARAMS: Record<string, Field> = {
  src: "src_ip",
  src_ip: "src_ip",
  srcip: "src_ip",
  source_ip: "src_ip",
  sourceip: "src_ip",
  client_ip: "src_ip",
  clientip: "src_ip",
  ip: "src_ip",
  dst: "dst_ip",
  dst_ip: "dst_ip",
  dstip: "dst_ip",
  dest_ip: "dst_ip",
  destination_ip: "dst_ip",
  spt: "src_port",
  src_port: "src_port",
  srcport: "src_port",
  sport: "src_port",
  dpt: "dst_port",
  dst_port: "dst_port",
  dstport: "dst_port",
  dport: "dst_port",
  user: "user_name",
  username: "user_name",
  user_name: "user_name",
  usr: "user_name",
  action: "action",
  act: "action",
  severity: "severity",
  level: "severity",
  proto: "protocol",
  protocol: "protocol",
  host: "hostname",
  hostname: "hostname",
  url: "url",
  uri: "url",
  method: "http_method",
  status: "http_status",
  ua: "user_agent",
  useragent: "user_agent",
  user_agent: "user_agent",
  rule: "rule_id",
  rule_id: "rule_id",
  ruleid: "rule_id",
  sid: "rule_id",
  rule_name: "rule_name",
  category: "category",
  cat: "category",
  type: "log_type",
  msg: "message",
};
// Metadata SD-IDs from RFC 5424 §7 describe the sender's clock and origin, not the event.
const META_IDS = new Set(["timeQuality", "origin", "meta"]);

export const parseRfc5424: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const p = readPrefix(line, ctx);
  const sd = p.structuredData;
  const ids = Object.keys(sd).filter((id) => !META_IDS.has(id));
  if (ids.length === 0) return null;
  const event: EventDraft = {
    source_type: "rfc5424",
    raw_log: line,
    timestamp: p.timestamp ?? ctx.receivedAt,
    log_type: p.appName,
    hostname: p.hostname,
    message: p.body,
    severity: severityFromSyslog(p.severity) ?? "info",
  };
  const fields = event as unknown as Record<string, unknown>;
  const extra: string[] = [];
  for (const id of ids) {
    for (const [name, value] of Object.entries(sd[id] ?? {})) {
      const field = PARAMS[name.toLowerCase()];
      if (!field || !apply(fields, field, value)) extra.push(`${id}.${name}=${value}`);
    }
  }
  if (extra.length) event.reason = extra.join("; ");
  return { event };
};

/** Sets one field from a parameter; false when the value does not fit (it then goes to `reason`). */
function apply(fields: Record<string, unknown>, field: Field, value: string): boolean {
  switch (field) {
    case "src_ip":
    case "dst_ip": {
      const ip = normaliseIp(value);
      if (ip) fields[field] = ip;
      return ip !== "";
    }
    case "src_port":
    case "dst_port":
    case "http_status": {
      const n = toInt(value);
      if (n) fields[field] = n;
      return n > 0;
    }
    case "action": {
      const a = actionFromWord(value);
      if (a) fields.action = a;
      return a !== "";
    }
    case "severity": {
      const s = /^\d$/.test(value) ? severityFromSyslog(Number(value)) : severityFromWord(value);
      if (s) fields.severity = s;
      return s !== null;
    }
    case "message":
      if (!fields.message) fields.message = value;
      return fields.message === value;
    default:
      fields[field] = value;
      return true;
  }
}
