/**
 * Links from an alert to the events explorer: the events that raised it, not every event of its
 * window — the rule's filter (where the explorer can express it), the group value that crossed the
 * threshold, its site, over the rule's window up to the last event. Pure.
 */
import { EMPTY_FILTERS, type EventFilters, filtersToSearch } from "../filters/filters.js";
import { isSeverity } from "../severity.js";
import type { Alert } from "./alert-types.js";

type TextFilter = "site" | "log_type" | "event_type" | "action" | "src_ip" | "dst_ip" | "country" | "rule_id";

/** Event fields the explorer can filter on, by their event name (rule filters and group_by use these). */
const FIELD_FILTERS: Partial<Record<string, TextFilter>> = {
  src_ip: "src_ip",
  dst_ip: "dst_ip",
  geo_country: "country",
  country: "country",
  rule_id: "rule_id",
  log_type: "log_type",
  event_type: "event_type",
  action: "action",
  site: "site",
};

/** Fields the explorer's free text (a case-insensitive search of the raw line) can stand in for. */
const TEXT_FIELDS = new Set(["message", "raw_log", "reason"]);

/** Used when the alert does not say its window (scenario alerts): a minute either side of its span. */
const MARGIN_MS = 60_000;

export interface ExplorerLink {
  href: string;
  /** Conditions of the rule the explorer cannot apply: the list it opens is wider by these. */
  unapplied: string[];
}

type Primitive = string | number | boolean;
const isPrimitive = (v: unknown): v is Primitive =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** The values a condition accepts when it is a plain equality or list (`x`, `{eq: x}`, `{in: [...]}`, `{cidr}`). */
function plainValues(cond: unknown): string[] | null {
  if (isPrimitive(cond)) return [String(cond)];
  if (typeof cond !== "object" || cond === null || Array.isArray(cond)) return null;
  const keys = Object.keys(cond);
  if (keys.length !== 1) return null;
  const c = cond as Record<string, unknown>;
  if (isPrimitive(c.eq)) return [String(c.eq)];
  if (Array.isArray(c.in) && c.in.length > 0 && c.in.every(isPrimitive)) return c.in.map(String);
  if (typeof c.cidr === "string") return [c.cidr];
  if (Array.isArray(c.cidr) && c.cidr.length > 0 && c.cidr.every((x) => typeof x === "string")) return c.cidr;
  return null;
}

function describe(field: string, cond: unknown): string {
  if (isPrimitive(cond)) return `${field} = ${String(cond)}`;
  const text = JSON.stringify(cond);
  return `${field} ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`;
}

/** Puts a rule's filter into explorer filters; returns what could not be expressed. */
function applyFilter(filter: Record<string, unknown>, into: EventFilters): string[] {
  const unapplied: string[] = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    const values = plainValues(cond);
    const target = FIELD_FILTERS[field];
    if (field === "severity" && values?.every(isSeverity)) {
      into.severity = values;
    } else if (target && values) {
      // The API takes comma-separated lists, so an `in` stays one filter.
      into[target] = values.join(",");
    } else if (
      TEXT_FIELDS.has(field) &&
      into.q === "" &&
      typeof cond === "object" &&
      cond !== null &&
      Object.keys(cond).length === 1 &&
      typeof (cond as { contains?: unknown }).contains === "string"
    ) {
      into.q = (cond as { contains: string }).contains;
    } else {
      unapplied.push(describe(field, cond));
    }
  }
  return unapplied;
}

/** "30s", "5m", "1h", "2d" → ms; null when unreadable. */
export function durationMs(text: unknown): number | null {
  if (typeof text === "number" && Number.isFinite(text)) return text;
  if (typeof text !== "string") return null;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as "ms" | "s" | "m" | "h" | "d"
  ];
  return Number(m[1]) * unit;
}

/** The explorer on the events that raised the alert, and what of the rule it could not apply. */
export function alertExplorer(
  alert: Pick<Alert, "site" | "group_by" | "group_value" | "first_seen" | "last_seen"> & {
    details?: Record<string, unknown>;
  },
): ExplorerLink {
  const filters: EventFilters = { ...EMPTY_FILTERS, severity: [], range: "custom" };
  const details = alert.details ?? {};
  const first = Date.parse(alert.first_seen);
  const last = Date.parse(alert.last_seen);
  const windowMs = durationMs(details.window) ?? durationMs(details.window_ms);
  if (!Number.isNaN(first) && !Number.isNaN(last)) {
    // The window that counted ends at the last event; the first event seen may lie before it (repeats).
    const from = windowMs === null ? first - MARGIN_MS : Math.min(first, last - windowMs);
    filters.from = new Date(from).toISOString();
    // `to` is exclusive and event times may be whole seconds: one second past the last event.
    filters.to = new Date(last + (windowMs === null ? MARGIN_MS : 1000)).toISOString();
  }
  const filter = details.filter;
  const unapplied =
    typeof filter === "object" && filter !== null && !Array.isArray(filter)
      ? applyFilter(filter as Record<string, unknown>, filters)
      : [];
  if (alert.site) filters.site = alert.site;
  const key = FIELD_FILTERS[alert.group_by];
  if (key && alert.group_value) filters[key] = alert.group_value;
  else if (alert.group_by && alert.group_value && alert.group_by !== "site")
    unapplied.push(`${alert.group_by} = ${alert.group_value}`);
  return { href: `/events?${filtersToSearch(filters).toString()}`, unapplied };
}

/** The explorer link alone. */
export function explorerLink(alert: Parameters<typeof alertExplorer>[0]): string {
  return alertExplorer(alert).href;
}
