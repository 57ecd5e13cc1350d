import type { FeedRow } from "./feed-store.js";
import type { FeedStatus } from "./feed-tables.js";

/** A feed as the API shows it (GET /api/v1/feeds items). */
export interface FeedView {
  id: string;
  name: string;
  url: string;
  format: FeedRow["format"];
  enabled: boolean;
  refresh_minutes: number;
  sync_to_xgs: boolean;
  /** The last attempt (success, 304 or failure). */
  last_refresh: string | null;
  /** never | ok | not_modified (304: unchanged) | error (previous entries kept). */
  last_status: FeedStatus;
  /** The failure, or on success a note on skipped invalid lines; null when clean. */
  last_error: string | null;
  entries: number;
  invalid_lines: number;
  countries: { key: string; count: number }[];
}

export function feedView(r: FeedRow, countries: { key: string; count: number }[]): FeedView {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    format: r.format,
    enabled: r.enabled,
    refresh_minutes: r.refresh_minutes,
    sync_to_xgs: r.sync_to_xgs,
    last_refresh: r.last_refresh ? r.last_refresh.toISOString() : null,
    last_status: r.last_status,
    last_error: r.last_error,
    entries: r.entries,
    invalid_lines: r.invalid_lines,
    countries,
  };
}

/** Counts by key, largest first (ties by key), as the API's `[{key, count}]`. */
export function countByKey(keys: string[]): { key: string; count: number }[] {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
