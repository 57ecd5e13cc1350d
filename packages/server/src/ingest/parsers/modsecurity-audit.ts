/**
 * ModSecurity JSON audit log (SecAuditLogFormat JSON), one transaction per line → one WAF event for
 * the request plus one modsec_logs row per rule hit. Two shapes exist:
 *   v3 (libmodsecurity, nginx connector): {"transaction":{client_ip, time_stamp, unique_id,
 *       request{method,uri,headers}, response{http_code}, producer, messages:[{message, details}]}}
 *   v2 (Apache module): {"transaction":{time, transaction_id, remote_address…}, "request":{request_line,
 *       headers}, "response":{status}, "audit_data":{messages:["… [id …]"], action:{intercepted}}}
 */
import type { EventDraft, ModSecDraft, ParseContext, ParseResult, Parser, Severity } from "../event.js";
import { splitRequestLine } from "./access-log-common.js";
import { normaliseIp, parseBsdTime, parseClfTime, toInt, worstSeverity } from "./common.js";
import {
  EVALUATION_RULES,
  hitToRow,
  type RuleHit,
  ruleSeverity,
  v3MessageToHit,
} from "./modsecurity-rule.js";

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

/** Header lookup ignoring case: clients send `User-Agent`, `user-agent`, `Host`, `host`. */
function header(headers: Obj, name: string): string {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return str(v);
  return "";
}

export function isModSecAudit(value: unknown): boolean {
  const t = obj(obj(value).transaction);
  return "client_ip" in t || "remote_address" in t || "unique_id" in t || "transaction_id" in t;
}

export const parseModSecurityAudit: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const start = line.indexOf("{");
  if (start < 0 || !line.includes('"transaction"')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(line.slice(start));
  } catch {
    return null;
  }
  return isModSecAudit(doc) ? fromAudit(obj(doc), line, ctx) : null;
};

function fromAudit(doc: Obj, line: string, ctx: ParseContext): ParseResult {
  const tx = obj(doc.transaction);
  const v2 = "audit_data" in doc || "remote_address" in tx;
  const request = obj(v2 ? doc.request : tx.request);
  const response = obj(v2 ? doc.response : tx.response);
  const headers = obj(request.headers);
  const audit = obj(doc.audit_data);

  const requestLine = v2 ? str(request.request_line) : "";
  const req = splitRequestLine(requestLine);
  const method = v2 ? req.method : str(request.method);
  const uri = v2 ? req.url : str(request.uri);
  const status = toInt(v2 ? response.status : response.http_code);
  const time = str(v2 ? tx.time : tx.time_stamp);
  const timestamp =
    (v2 ? parseClfTime(time, ctx.timezone) : parseBsdTime(time, ctx.timezone, ctx.receivedAt)) ??
    ctx.syslog?.timestamp ??
    ctx.receivedAt;
  const srcIp = normaliseIp(str(v2 ? tx.remote_address : tx.client_ip));
  const srcPort = toInt(v2 ? tx.remote_port : tx.client_port);
  const uniqueId = str(v2 ? tx.transaction_id : tx.unique_id);
  const hostname = header(headers, "host").replace(/:\d+$/, "");

  const rawMessages = v2 ? audit.messages : tx.messages;
  const hits = (Array.isArray(rawMessages) ? rawMessages : [])
    .map(v3MessageToHit)
    .filter((h): h is RuleHit => h !== null);
  const rowCtx = {
    timestamp,
    unique_id: uniqueId,
    src_ip: srcIp,
    src_port: srcPort,
    hostname,
    uri,
    raw_log: line,
  };
  const modsec: ModSecDraft[] = hits.map((h) => hitToRow(h, rowCtx));

  // v2 says so; v3 only shows it through the 403 the connector returned and "Access denied" hits.
  const intercepted = obj(audit.action).intercepted === true;
  const blocked = intercepted || status === 403 || hits.some((h) => /^Access denied/i.test(h.action));
  const blocking = modsec.find((r) => r.is_blocking);
  let worst: Severity | null = null;
  let worstRow: ModSecDraft | undefined;
  for (const r of modsec) {
    const s = ruleSeverity(r.rule_severity ?? "");
    if (s && (!worst || worstSeverity(worst, s) !== worst)) {
      worst = s;
      worstRow = r;
    }
  }
  const attackRow = modsec.find((r) => r.attack_type && !EVALUATION_RULES.has(r.rule_id ?? "")) ?? worstRow;
  const top = blocking ?? worstRow ?? modsec[0];
  const severity: Severity = worst ?? (modsec.length > 0 ? "medium" : blocked ? "low" : "info");

  const event: EventDraft = {
    source_type: "modsecurity",
    raw_log: line,
    timestamp,
    log_type: "WAF",
    category: "waf",
    sub_category: attackRow?.attack_type ?? "",
    severity: blocked ? worstSeverity(severity, modsec.length > 0 ? "high" : "low") : severity,
    action: blocked ? "drop" : "allow",
    rule_id: top?.rule_id ?? "",
    rule_name: top?.rule_msg ?? "",
    src_ip: srcIp,
    src_port: srcPort,
    dst_ip: normaliseIp(str(v2 ? tx.local_address : tx.host_ip)),
    dst_port: toInt(v2 ? tx.local_port : tx.host_port),
    protocol: "TCP",
    hostname,
    url: uri,
    http_method: method,
    http_status: status,
    user_agent: header(headers, "user-agent"),
    message: top?.rule_msg || requestLine || `${method} ${uri}`.trim(),
    reason: v2 ? str(obj(audit.action).message) : "",
    unique_id: uniqueId,
    modsec_rule_ids: modsec.map((r) => r.rule_id ?? "").filter(Boolean),
    modsec_messages: modsec.map((r) => r.rule_msg ?? "").filter(Boolean),
  };
  return modsec.length > 0 ? { event, modsec } : { event };
}
