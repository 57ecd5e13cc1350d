/**
 * The workbench's state in its URL (`/hunt?q=…&range=7d`), so "Open in workbench", a reload and a
 * shared link all land on the same query and time range. Pure functions.
 */
import {
  DEFAULT_RANGE,
  type EventFilters,
  filtersToSearch,
  RANGES,
  resolveRange,
} from "../filters/filters.js";
import { filtersToKql } from "./filters-to-kql.js";

/** The explorer's presets plus a month, for templates written for 30 days. */
export const HUNT_RANGES = [...RANGES, "30d"] as const;
export type HuntRangeKey = (typeof HUNT_RANGES)[number] | "custom";

export interface HuntState {
  query: string;
  range: HuntRangeKey;
  /** ISO 8601, for the custom range. */
  from: string;
  to: string;
  limit: number;
}

export const DEFAULT_LIMIT = 500;
const DAY = 24 * 3600_000;

function validDate(text: string): boolean {
  return text !== "" && !Number.isNaN(Date.parse(text));
}

export function huntFromSearch(params: URLSearchParams): HuntState {
  const range = params.get("range") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const limit = Number(params.get("limit"));
  const state: HuntState = {
    query: params.get("q") ?? "",
    range: DEFAULT_RANGE,
    from: "",
    to: "",
    limit: Number.isInteger(limit) && limit >= 1 && limit <= 10_000 ? limit : DEFAULT_LIMIT,
  };
  if ((HUNT_RANGES as readonly string[]).includes(range)) state.range = range as HuntRangeKey;
  else if (validDate(from)) {
    state.range = "custom";
    state.from = from;
    state.to = validDate(to) ? to : "";
  }
  return state;
}

export function huntToSearch(state: HuntState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  if (state.range === "custom") {
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
  } else if (state.range !== DEFAULT_RANGE) params.set("range", state.range);
  if (state.limit !== DEFAULT_LIMIT) params.set("limit", String(state.limit));
  return params;
}

/** Absolute bounds of the workbench's range at `now`. */
export function huntWindow(state: Pick<HuntState, "range" | "from" | "to">, now: number) {
  if (state.range === "30d")
    return { from: new Date(now - 30 * DAY).toISOString(), to: new Date(now).toISOString() };
  return resolveRange({ range: state.range, from: state.from, to: state.to }, now);
}

/** The preset closest above a template's `range_days`. */
export function rangeForDays(days: number): HuntRangeKey {
  return days <= 1 ? "24h" : days <= 7 ? "7d" : "30d";
}

/** The workbench link of the explorer's current view: its filters as KQL, its time range as is. */
export function workbenchLink(filters: EventFilters): string {
  const explorer = filtersToSearch(filters);
  const params = new URLSearchParams({ q: filtersToKql(filters) });
  for (const key of ["range", "from", "to"]) {
    const value = explorer.get(key);
    if (value) params.set(key, value);
  }
  return `/hunt?${params.toString()}`;
}
