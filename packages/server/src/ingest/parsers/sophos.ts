/**
 * Sophos XGS / XG (SFOS) syslog → EventDraft. Reads both formats:
 * - legacy (SFOS ≤ 19): `device="SFW" date=… time=… timezone="IST" device_id=… log_id=… priority=…`;
 * - SFOS 19.5+/20: `device_name="SFW" timestamp="2024-02-07T13:03:59+0100" device_serial_id=… severity=…`,
 *   with renamed fields (`sig_id`, `user`, `src_ip` on WAF lines...).
 * Field names differ between log types and versions, so each Vigil field reads a short list of
 * aliases, first non-empty wins. Pure: no I/O, never throws on a line it recognised.
 */

import { isIP } from "node:net";
import type { EventAction, EventDraft, ParseContext, Parser, Severity } from "../event.js";
import { KeyValues, readKeyValues } from "./sophos-kv.js";
import {
  actionFromWord,
  atLeast,
  mitreTechnique,
  normaliseLogType,
  severityFromPriority,
  severityFromRulePriority,
  severityFromSyslog,
} from "./sophos-mapping.js";
import { summarise } from "./sophos-message.js";
import { isoTimestamp, legacyTimestamp } from "./sophos-time.js";

/** Cheap pre-check for the parser registry: every SFOS line names its log type and id or device. */
export function looksLikeSophos(message: string): boolean {
  return message.includes("log_type=") && (message.includes("log_id=") || message.includes("device_name="));
}

type Fields = KeyValues;

/** The value of `key`, trimmed; "" when absent, empty or `-` (Sophos's "none" in WAF lines). */
function value(fields: Fields, key: string): string {
  const raw = fields.get(key);
  if (raw === undefined || raw === "") return "";
  const trimmed = raw.trim();
  return trimmed === "-" ? "" : trimmed;
}

/** First non-empty value among up to four aliases (fixed arity: no array per call on the hot path). */
function pick(fields: Fields, a: string, b?: string, c?: string, d?: string): string {
  let v = value(fields, a);
  if (v !== "" || b === undefined) return v;
  v = value(fields, b);
  if (v !== "" || c === undefined) return v;
  v = value(fields, c);
  if (v !== "" || d === undefined) return v;
  return value(fields, d);
}

/** An IPv4/IPv6 literal, or "" (Sophos writes `src_ip=` or junk for "none"). */
function ipOrEmpty(text: string): string {
  return text !== "" && isIP(text) !== 0 ? text : "";
}

/** A decimal integer in [0, max], or 0. */
function intOrZero(text: string, max: number): number {
  if (text === "" || text.length > 10) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    n = n * 10 + d;
  }
  return n <= max ? n : 0;
}

function stripPort(host: string): string {
  const colon = host.lastIndexOf(":");
  if (colon <= 0 || host.indexOf(":") !== colon) return host; // no port, or an IPv6 literal
  return host.slice(0, colon);
}

function eventTime(fields: Fields, ctx: ParseContext): { timestamp: number; error: string } {
  const stamp = fields.get("timestamp") ?? "";
  // SFOS 19.5+: ISO 8601 with its own offset. (Legacy Event lines use `timestamp=` for epoch seconds.)
  if (stamp.length >= 19 && stamp.charCodeAt(4) === 45) {
    const t = isoTimestamp(stamp, ctx.timezone);
    if (!Number.isNaN(t)) return { timestamp: t, error: "" };
  }
  const date = fields.get("date") ?? "";
  const time = fields.get("time") ?? "";
  if (date !== "" || time !== "") {
    const t = legacyTimestamp(date, time, (fields.get("timezone") ?? "").trim(), ctx.timezone);
    if (!Number.isNaN(t)) return { timestamp: t, error: "" };
  }
  const epoch = intOrZero(stamp, Number.MAX_SAFE_INTEGER);
  if (epoch > 100_000_000) return { timestamp: epoch < 100_000_000_000 ? epoch * 1000 : epoch, error: "" };
  const fallback = ctx.syslog?.timestamp ?? ctx.receivedAt;
  const unreadable = stamp !== "" || date !== "" || time !== "";
  return { timestamp: fallback, error: unreadable ? "unreadable event time; used the receive time" : "" };
}

function eventAction(
  fields: Fields,
  rawType: string,
  subtype: string,
  reason: string,
  httpStatus: number,
): EventAction {
  let action = actionFromWord(pick(fields, "action"));
  if (action === "" && rawType === "Anti-Spam") action = actionFromWord(pick(fields, "spamaction"));
  if (action === "") action = actionFromWord(pick(fields, "status"));
  if (action === "") action = actionFromWord(subtype);
  if (action !== "") return action;
  if (subtype === "Virus") return pick(fields, "quarantine") !== "" ? "quarantine" : "drop";
  if (rawType === "WAF" || rawType === "Web Application Firewall") {
    // The WAF logs every request; a blocked one carries the blocking module in `reason`.
    if (reason !== "") return "drop";
    if (httpStatus > 0) return "allow";
  }
  return "";
}

/** `log_id` is type(2) component(2) subtype(2) severity(1) message(5): its 7th digit is the priority. */
function severityFromLogId(logId: string): Severity | "" {
  return logId.length === 12 ? severityFromPriority(logId.charAt(6)) : "";
}

function eventSeverity(
  fields: Fields,
  ctx: ParseContext,
  logType: string,
  subtype: string,
  logId: string,
): Severity {
  let severity: Severity =
    severityFromPriority(pick(fields, "priority", "severity")) ||
    severityFromLogId(logId) ||
    severityFromSyslog(ctx.syslog?.severity) ||
    "info";
  if (logType === "IPS")
    severity = atLeast(severity, severityFromRulePriority(pick(fields, "rule_priority")) || "medium");
  // An ATP hit is a host talking to known malware infrastructure: never below high.
  else if (logType === "ATP") severity = atLeast(severity, "high");
  else if (subtype === "Virus") severity = atLeast(severity, "high");
  return severity;
}

/**
 * The scan buffers, reused line after line. Safe because parsing is synchronous and nothing read
 * from them outlives the call (every value is sliced into a new string before we return).
 */
const scratch = new KeyValues();

export const parseSophos: Parser = (line, ctx) => {
  // A `<PRI>` or syslog header left in front is skipped by the reader (words before the first key).
  const fields = readKeyValues(line, scratch);
  const rawType = pick(fields, "log_type");
  const logId = pick(fields, "log_id");
  if (rawType === "" && logId === "") return null;

  const component = pick(fields, "log_component");
  const subtype = pick(fields, "log_subtype");
  const logType = normaliseLogType(rawType, component);
  const time = eventTime(fields, ctx);

  const httpStatus = intOrZero(pick(fields, "httpstatus", "http_status", "status_code"), 999);
  const reason = pick(fields, "reason");
  const action = eventAction(fields, rawType, subtype, reason, httpStatus);

  let ruleId = "";
  let ruleName = "";
  let message = pick(fields, "message");
  if (logType === "IPS") {
    ruleId = pick(fields, "signature_id", "sig_id");
    ruleName = pick(fields, "signature_msg", "signature_name");
    // SFOS 19.5+ IPS lines put the signature text in `message`.
    if (ruleName === "" && message !== "") ruleName = message;
  } else if (logType === "ATP") {
    ruleName = pick(fields, "threatname", "threat_name");
  } else if (logType === "Anti-Virus") {
    ruleName = pick(fields, "virus", "malware", "malware_name", "virus_name");
  } else {
    ruleId = pick(fields, "fw_rule_id", "rule_id");
    ruleName = pick(fields, "fw_rule_name", "rule_name");
  }

  let url = pick(fields, "url", "FTP_url");
  const query = pick(fields, "querystring", "query_string");
  if (query !== "" && url !== "" && !url.includes("?")) url += query.startsWith("?") ? query : `?${query}`;

  const isWaf = logType === "WAF";
  let hostname = isWaf
    ? stripPort(pick(fields, "server", "domain"))
    : pick(fields, "domain", "domainname", "dstdomain", "website");
  let srcIp = ipOrEmpty(pick(fields, "src_ip", "sourceip", "srcip", "remote_ip"));
  let dstIp = ipOrEmpty(pick(fields, "dst_ip", "destinationip", "localip", "dstip"));
  if (rawType === "Sandbox" && component === "Web") {
    // Sandbox web lines name the site the file came from in `source`: the destination of the download.
    const site = pick(fields, "source");
    if (dstIp === "") dstIp = ipOrEmpty(site);
    if (hostname === "" && dstIp === "") hostname = site;
  } else if (component === "IPSec") {
    // IPsec events: the remote gateway is the peer worth watching (geo, bans); the local one is ours.
    if (srcIp === "") srcIp = ipOrEmpty(pick(fields, "remoteinterfaceip", "remote_gateway"));
    if (dstIp === "") dstIp = ipOrEmpty(pick(fields, "localinterfaceip", "localgateway"));
  }
  // System Health's CPU lines use `user=7.60%` for CPU time, not a person.
  const userName =
    rawType === "System Health"
      ? pick(fields, "user_name")
      : pick(fields, "user_name", "user", "login_user", "username");

  const draft: EventDraft = {
    source_type: "sophos",
    raw_log: line,
    timestamp: time.timestamp,
    log_type: logType,
    category: component,
    sub_category: subtype,
    severity: eventSeverity(fields, ctx, logType, subtype, logId),
    src_ip: srcIp,
    dst_ip: dstIp,
    src_port: intOrZero(pick(fields, "src_port", "srcport"), 65535),
    dst_port: intOrZero(pick(fields, "dst_port", "dstport"), 65535),
    protocol: pick(fields, "protocol").toUpperCase(),
    action,
    rule_id: ruleId,
    rule_name: ruleName,
    hostname,
    user_name: userName,
    url,
    http_method: pick(fields, "method", "http_method").toUpperCase(),
    http_status: httpStatus,
    user_agent: pick(fields, "useragent", "user_agent"),
    reason,
    sophos_id: logId,
    device_serial: pick(fields, "device_serial_id", "device_id", "serial_number"),
    parse_error: fields.error || time.error,
  };
  draft.mitre_technique = mitreTechnique(
    logType,
    component,
    ruleName,
    pick(fields, "classification", "category"),
    action,
  );
  if (message === "") message = summarise(draft, component, subtype);
  draft.message = message;
  return { event: draft };
};
