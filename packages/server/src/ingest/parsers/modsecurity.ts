/**
 * ModSecurity / OWASP CRS error-log messages (source_type "modsecurity"), bare or inside an nginx or
 * Apache error-log line:
 *
 *   ModSecurity: Access denied with code 403 (phase 2). … [id "949110"] [msg "…"] [unique_id "…"]
 *   2024/01/01 10:00:00 [error] 123#0: *4 ModSecurity: …, client: 1.2.3.4, server: x, request: "GET /x HTTP/1.1", host: "x"
 *   [Mon Jan 01 10:00:00.123 2024] [:error] [pid 1] [client 1.2.3.4:5678] ModSecurity: …
 *
 * ModSecurity writes one line per rule hit. Every line becomes a modsec_logs row; the anomaly
 * evaluation line (949110/959100, and the 980130/980170 correlation report) or any "Access denied"
 * also becomes the WAF event, and the rows find it through `unique_id`.
 * The JSON audit log is read by `modsecurity-audit.ts`.
 */
import type { EventDraft, ParseContext, ParseResult, Parser } from "../event.js";
import { splitRequestLine } from "./access-log-common.js";
import { parseBsdTime, parseSlashTime, splitHostPort, worstSeverity } from "./common.js";
import { EVALUATION_RULES, hitToRow, readBrackets, ruleSeverity } from "./modsecurity-rule.js";
import { readPrefix } from "./prefix.js";

const MARK = "ModSecurity: ";
const NGINX_TIME_RE = /(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[\w+\]/;
const APACHE_TIME_RE = /^\[((?:\w{3} )?\w{3} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4})\]/;

export const parseModSecurity: Parser = (line: string, ctx: ParseContext): ParseResult | null => {
  const at = line.indexOf(MARK);
  if (at < 0) return null;
  const p = readPrefix(line, ctx);
  const wrapper = line.slice(0, at);
  let text = line.slice(at + MARK.length);

  // nginx appends its own trailer after ModSecurity's last bracket.
  let trailer = "";
  const cut = text.lastIndexOf(", client: ");
  if (cut >= 0 && cut > text.lastIndexOf("]")) {
    trailer = text.slice(cut + 2);
    text = text.slice(0, cut);
  }
  const hit = readBrackets(text);
  if (!hit.fields.id && !hit.action) return null;

  const nginxTime = NGINX_TIME_RE.exec(wrapper)?.[1];
  const apacheTime = APACHE_TIME_RE.exec(wrapper)?.[1];
  const timestamp =
    (nginxTime ? parseSlashTime(nginxTime, ctx.timezone) : null) ??
    (apacheTime ? parseBsdTime(apacheTime, ctx.timezone, ctx.receivedAt) : null) ??
    p.timestamp ??
    ctx.receivedAt;
  const client =
    /\[client (\[[^\]]+\](?::\d+)?|[^\]]+)\]/.exec(wrapper)?.[1] ??
    /^client: ([^,]+)/.exec(trailer)?.[1] ??
    "";
  const peer = splitHostPort(client);
  const request = /, request: "((?:[^"\\]|\\.)*)"/.exec(trailer)?.[1] ?? "";
  const req = splitRequestLine(request);
  const host = /, host: "([^"]*)"/.exec(trailer)?.[1]?.replace(/:\d+$/, "") ?? "";

  const row = hitToRow(hit, {
    timestamp,
    unique_id: "",
    src_ip: peer.ip,
    src_port: peer.port,
    hostname: host || p.hostname,
    uri: req.url,
    raw_log: line,
  });
  // nginx's `host:` is the virtual host the client asked for; ModSecurity's [hostname] is often
  // the server's own address, so the request's host wins when nginx wrote one.
  if (host) row.hostname = host;
  const ruleId = row.rule_id ?? "";
  const denied = /^Access denied/i.test(hit.action);
  if (!EVALUATION_RULES.has(ruleId) && !denied) return { modsec: [row] };

  const base = ruleSeverity(row.rule_severity ?? "") ?? "medium";
  const event: EventDraft = {
    source_type: "modsecurity",
    raw_log: line,
    timestamp,
    log_type: "WAF",
    category: "waf",
    sub_category: denied ? "blocked" : "anomaly",
    severity: denied ? worstSeverity(base, "high") : base,
    action: denied ? "drop" : "",
    rule_id: ruleId,
    rule_name: row.rule_msg ?? "",
    src_ip: peer.ip,
    src_port: peer.port,
    hostname: row.hostname ?? "",
    url: row.uri || req.url,
    http_method: req.method,
    http_status: Number(/with code (\d{3})/.exec(hit.action)?.[1] ?? 0),
    message: row.rule_msg || hit.action,
    reason: hit.action,
    unique_id: row.unique_id ?? "",
    modsec_rule_ids: ruleId ? [ruleId] : [],
    modsec_messages: row.rule_msg ? [row.rule_msg] : [],
  };
  return { event, modsec: [row] };
};
