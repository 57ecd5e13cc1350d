/**
 * The explorer's filters and their two encodings: the page URL (so a link reproduces a view) and the
 * API query string (absolute from/to, comma-separated lists). Pure functions, no React.
 */
import type { Severity } from "../api/types.js";
import { isSeverity } from "../severity.js";

export const RANGES = ["15m", "1h", "24h", "7d"] as const;
export type PresetRange = (typeof RANGES)[number];
export type RangeKey = PresetRange | "custom";

const RANGE_MS: Record<PresetRange, number> = {
  "15m": 15 * 60_000,
  "1h": 60 * 60_000,
  "24h": 24 * 60 * 60_000,
  "7d": 7 * 24 * 60 * 60_000,
};

export const DEFAULT_RANGE: PresetRange = "24h";

export interface EventFilters {
  range: RangeKey;
  /** ISO 8601, used when range is "custom". */
  from: string;
  to: string;
  site: string;
  log_type: string;
  /** The sender's own event type (SOC-30 `event_type`, e.g. port_scan). */
  event_type: string;
  severity: Severity[];
  action: string;
  src_ip: string;
  dst_ip: string;
  country: string;
  rule_id: string;
  q: string;
}

/** The text filters, in the order the URL and the API list them. */
export const TEXT_KEYS = [
  "site",
  "log_type",
  "event_type",
  "action",
  "src_ip",
  "dst_ip",
  "country",
  "rule_id",
  "q",
] as const;
type TextKey = (typeof TEXT_KEYS)[number];

export const EMPTY_FILTERS: EventFilters = {
  range: DEFAULT_RANGE,
  from: "",
  to: "",
  site: "",
  log_type: "",
  event_type: "",
  severity: [],
  action: "",
  src_ip: "",
  dst_ip: "",
  country: "",
  rule_id: "",
  q: "",
};

export function isPresetRange(value: unknown): value is PresetRange {
  return typeof value === "string" && (RANGES as readonly string[]).includes(value);
}

function splitList(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** Reads filters from a page URL; anything unknown or malformed falls back to the default. */
export function filtersFromSearch(params: URLSearchParams): EventFilters {
  const filters: EventFilters = { ...EMPTY_FILTERS, severity: [] };
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const range = params.get("range");
  if (isPresetRange(range)) {
    filters.range = range;
  } else if (isValidDate(from)) {
    filters.range = "custom";
    filters.from = from;
    filters.to = isValidDate(to) ? to : "";
  }
  for (const key of TEXT_KEYS) filters[key] = (params.get(key) ?? "").trim();
  filters.severity = splitList(params.get("severity")).filter(isSeverity);
  return filters;
}

/** Writes filters to a page URL, leaving out what equals the default so links stay short. */
export function filtersToSearch(filters: EventFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.range === "custom") {
    if (filters.from) params.set("from", filters.from);
    if (filters.to) params.set("to", filters.to);
  } else if (filters.range !== DEFAULT_RANGE) {
    params.set("range", filters.range);
  }
  if (filters.severity.length > 0) params.set("severity", filters.severity.join(","));
  for (const key of TEXT_KEYS) {
    const value = filters[key].trim();
    if (value) params.set(key, value);
  }
  return params;
}

export interface TimeWindow {
  from: string;
  to: string;
}

/** Absolute bounds of a range at `now`. A custom range with no end runs up to now. */
export function resolveRange(filters: Pick<EventFilters, "range" | "from" | "to">, now: number): TimeWindow {
  if (filters.range === "custom") {
    const to = filters.to && isValidDate(filters.to) ? new Date(filters.to).toISOString() : iso(now);
    const from = isValidDate(filters.from)
      ? new Date(filters.from).toISOString()
      : iso(now - RANGE_MS["24h"]);
    return { from, to };
  }
  return { from: iso(now - RANGE_MS[filters.range]), to: iso(now) };
}

/** The API query string for these filters (without cursor/limit), with the time window resolved at `now`. */
export function filtersToApi(filters: EventFilters, now: number): URLSearchParams {
  const { from, to } = resolveRange(filters, now);
  const params = new URLSearchParams({ from, to });
  if (filters.severity.length > 0) params.set("severity", filters.severity.join(","));
  for (const key of TEXT_KEYS) {
    const value = filters[key as TextKey].trim();
    if (value) params.set(key, value);
  }
  return params;
}

/** How many filters beyond the time range are active (for a "clear" affordance). */
export function activeFilterCount(filters: EventFilters): number {
  return TEXT_KEYS.filter((key) => filters[key].trim() !== "").length + (filters.severity.length > 0 ? 1 : 0);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isValidDate(value: string): boolean {
  return value !== "" && !Number.isNaN(Date.parse(value));
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || !value.includes(":")) return false;
  const doubleColons = value.split("::").length - 1;
  if (doubleColons > 1) return false;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const parts = value.split(":");
  const last = parts[parts.length - 1] ?? "";
  const tailIsV4 = last.includes(".");
  if (tailIsV4 && !IPV4.test(last)) return false;
  const groups = parts.filter((part) => part !== "" && !part.includes("."));
  if (groups.some((g) => g.length > 4)) return false;
  const count = groups.length + (tailIsV4 ? 2 : 0);
  return doubleColons === 1 ? count < 8 : count === 8;
}

/** True for an IPv4/IPv6 address or a CIDR block; the server checks again, this is for a quick hint. */
export function isIpOrCidr(input: string): boolean {
  const value = input.trim();
  const [address = "", prefix, extra] = value.split("/");
  if (extra !== undefined) return false;
  const v4 = IPV4.test(address);
  const v6 = !v4 && isIpv6(address);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}
