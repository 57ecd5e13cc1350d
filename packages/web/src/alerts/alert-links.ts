/** Links from an alert to the events explorer. Pure. */
import { EMPTY_FILTERS, type EventFilters, filtersToSearch } from "../filters/filters.js";
import type { Alert } from "./alert-types.js";

/** Event fields the explorer can filter on, by the name alerts group by. */
const GROUP_FILTERS: Partial<Record<string, keyof EventFilters>> = {
  src_ip: "src_ip",
  dst_ip: "dst_ip",
  geo_country: "country",
  country: "country",
  rule_id: "rule_id",
  log_type: "log_type",
  action: "action",
  site: "site",
};

/** Margin either side of the alert's span: the window that counted started before the first event seen. */
const MARGIN_MS = 60_000;

/** The explorer over the alert's span (with a minute either side), narrowed to its site and group value. */
export function explorerLink(
  alert: Pick<Alert, "site" | "group_by" | "group_value" | "first_seen" | "last_seen">,
): string {
  const filters: EventFilters = { ...EMPTY_FILTERS, severity: [], range: "custom" };
  const first = Date.parse(alert.first_seen);
  const last = Date.parse(alert.last_seen);
  if (!Number.isNaN(first)) filters.from = new Date(first - MARGIN_MS).toISOString();
  if (!Number.isNaN(last)) filters.to = new Date(last + MARGIN_MS).toISOString();
  if (alert.site) filters.site = alert.site;
  const key = GROUP_FILTERS[alert.group_by];
  if (key && key !== "severity" && key !== "range" && alert.group_value) filters[key] = alert.group_value;
  return `/events?${filtersToSearch(filters).toString()}`;
}
