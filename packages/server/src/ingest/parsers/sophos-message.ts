/**
 * A one-line, human-readable summary for Sophos events that carry no `message=` of their own
 * (firewall, IPS, ATP, anti-virus, WAF, content filtering...), e.g.
 * `Firewall drop TCP 1.2.3.4:5555 -> 10.0.0.1:22 (rule 5 'Block SSH')`. ASCII arrow on purpose: one
 * character above U+00FF makes V8 hold the whole row string in two bytes per character (twice the memory
 * for every queued event).
 */

import type { EventDraft } from "../event.js";

function endpoint(ip: string, port: number): string {
  if (ip === "") return "";
  if (port <= 0) return ip;
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function summarise(d: EventDraft, component: string, subtype: string): string {
  const logType = d.log_type ?? "";
  const parts: string[] = [logType];
  if (component !== "" && component !== logType && component !== "Firewall Rule") parts.push(component);
  const verb = d.action !== "" && d.action !== undefined ? d.action : subtype.toLowerCase();
  if (verb !== "") parts.push(verb);
  if (d.protocol) parts.push(d.protocol);

  const src = endpoint(d.src_ip ?? "", d.src_port ?? 0);
  const dst = endpoint(d.dst_ip ?? "", d.dst_port ?? 0);
  if (src !== "" || dst !== "") parts.push(`${src || "?"} -> ${dst || "?"}`);

  if (logType === "WAF") {
    if (d.http_method || d.url) parts.push(`${d.http_method ?? ""} ${d.hostname ?? ""}${d.url ?? ""}`.trim());
    if (d.http_status) parts.push(`(HTTP ${d.http_status})`);
  } else if (d.url) {
    parts.push(d.url);
  }

  let text = parts.join(" ");
  const ruleName = d.rule_name ?? "";
  const ruleId = d.rule_id ?? "";
  if (logType === "IPS" || logType === "ATP" || logType === "Anti-Virus") {
    if (ruleName !== "") text += `: ${ruleName}`;
  } else if (ruleId !== "" && ruleId !== "0") {
    text += ruleName !== "" ? ` (rule ${ruleId} '${ruleName}')` : ` (rule ${ruleId})`;
  } else if (ruleName !== "") {
    text += ` (rule '${ruleName}')`;
  }
  if (d.user_name) text += ` user ${d.user_name}`;
  if (d.reason) text += ` — ${d.reason}`;
  return text;
}
