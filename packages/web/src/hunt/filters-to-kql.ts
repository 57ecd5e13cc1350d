/**
 * The explorer's filters as a KQL query, so "Open in workbench" starts from what the analyst sees.
 * Pure: no React. Every value becomes a double-quoted KQL string literal (the server turns literals
 * into query parameters, so quoting here is about producing a query that parses, not about safety).
 * The time range is not part of the text: the workbench passes it as the request's from/to, as the
 * explorer does.
 */
import type { EventFilters } from "../filters/filters.js";

/** A KQL double-quoted string literal of any text: backslash, quote and control characters escaped. */
export function kqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The explorer's API takes comma-separated lists for most filters (`log_type=WAF,IPS`). */
function values(text: string): string[] {
  return text
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function equalsAny(column: string, list: readonly string[]): string | null {
  if (list.length === 0) return null;
  if (list.length === 1) return `${column} == ${kqlString(list[0] ?? "")}`;
  return `${column} in (${list.map(kqlString).join(", ")})`;
}

/** An address is an equality; a CIDR block a range test (as the explorer matches it). */
function ipCondition(column: string, list: readonly string[]): string | null {
  const parts = list.map((v) =>
    v.includes("/") ? `ipv4_is_in_range(${column}, ${kqlString(v)})` : `${column} == ${kqlString(v)}`,
  );
  if (parts.length === 0) return null;
  return parts.length === 1 ? (parts[0] ?? null) : `(${parts.join(" or ")})`;
}

function anyOf(parts: string[]): string | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? (parts[0] ?? null) : `(${parts.join(" or ")})`;
}

/** The conditions of the filters, one per filter, in the explorer's order. */
export function filterConditions(filters: EventFilters): string[] {
  const ruleIds = values(filters.rule_id);
  const q = filters.q.trim();
  const conditions = [
    equalsAny("site", values(filters.site)),
    equalsAny("log_type", values(filters.log_type)),
    equalsAny("event_type", values(filters.event_type)),
    equalsAny("severity", filters.severity),
    equalsAny("action", values(filters.action)),
    ipCondition("src_ip", values(filters.src_ip)),
    ipCondition("dst_ip", values(filters.dst_ip)),
    equalsAny("geo_country", values(filters.country.toUpperCase())),
    // The explorer's rule filter matches the event's own rule or one of its ModSecurity rules.
    anyOf(ruleIds.map((id) => `(rule_id == ${kqlString(id)} or modsec_rule_ids has ${kqlString(id)})`)),
    // Free text: the explorer's case-insensitive substring in message, URL or raw log.
    q
      ? `(message contains ${kqlString(q)} or url contains ${kqlString(q)} or raw_log contains ${kqlString(q)})`
      : null,
  ];
  return conditions.filter((c): c is string => c !== null);
}

/** A whole query: the events the explorer lists, newest first. */
export function filtersToKql(filters: EventFilters, take = 100): string {
  const lines = ["Events", ...filterConditions(filters).map((c) => `| where ${c}`)];
  lines.push("| sort by timestamp desc", `| take ${take}`);
  return lines.join("\n");
}
