/**
 * The dashboard's time range: chosen in the URL (a preset, or from/to after zooming on the timeline),
 * or by default fitted to the data. A new install's first 20 minutes drawn on a 24 h chart are one bar;
 * the default is min(24 h, time since the first stored event) rounded up to a step that reads well,
 * and the timeline's buckets follow the range. Pure.
 */
import { type EventFilters, isPresetRange, type PresetRange } from "../filters/filters.js";

const MIN = 60_000;
/** Window lengths the default may take, shortest first; the last is the longest default. */
export const FIT_STEPS_MS = [15, 30, 60, 180, 360, 720, 1440].map((m) => m * MIN);

/** The shortest step that holds everything since the first event (24 h at most). */
export function fitWindowMs(firstEventMs: number | null, now: number): number {
  const longest = FIT_STEPS_MS[FIT_STEPS_MS.length - 1] as number;
  if (firstEventMs === null) return longest;
  const age = Math.max(0, now - firstEventMs);
  return FIT_STEPS_MS.find((step) => step >= age) ?? longest;
}

/** "3h", "30m", "24h": how the fitted window is labelled. */
export function windowLabel(ms: number): string {
  return ms % (60 * MIN) === 0 ? `${ms / (60 * MIN)}h` : `${ms / MIN}m`;
}

export type DashboardRange =
  | { kind: "preset"; range: PresetRange }
  | { kind: "zoom"; from: string; to: string }
  | { kind: "fitted"; windowMs: number };

/** Reads the range from the page URL; without one, the fitted default. */
export function dashboardRange(
  params: URLSearchParams,
  firstEventMs: number | null,
  now: number,
): DashboardRange {
  const range = params.get("range");
  if (isPresetRange(range)) return { kind: "preset", range };
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  if (isDate(from) && isDate(to) && Date.parse(from) < Date.parse(to)) return { kind: "zoom", from, to };
  return { kind: "fitted", windowMs: fitWindowMs(firstEventMs, now) };
}

/** The range as explorer filters. A fitted window starts at a fixed time and runs up to now. */
export function rangeFilters(r: DashboardRange, now: number): Pick<EventFilters, "range" | "from" | "to"> {
  if (r.kind === "preset") return { range: r.range, from: "", to: "" };
  if (r.kind === "zoom") return { range: "custom", from: r.from, to: r.to };
  return { range: "custom", from: new Date(now - r.windowMs).toISOString(), to: "" };
}

/** The URL after a drag on the timeline: an absolute window, rounded to the second. */
export function zoomParams(params: URLSearchParams, fromMs: number, toMs: number): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete("range");
  next.set("from", new Date(Math.floor(fromMs / 1000) * 1000).toISOString());
  next.set("to", new Date(Math.ceil(toMs / 1000) * 1000).toISOString());
  return next;
}

function isDate(v: string): boolean {
  return v !== "" && !Number.isNaN(Date.parse(v));
}

/** The oldest first_event among the sites shown (all sites, or the one chosen). */
export function firstEventOf(
  sites: readonly { site: string; first_event?: string | null }[],
  site: string,
): number | null {
  let first: number | null = null;
  for (const s of sites) {
    if (site && s.site !== site) continue;
    const t = s.first_event ? Date.parse(s.first_event) : Number.NaN;
    if (!Number.isNaN(t) && (first === null || t < first)) first = t;
  }
  return first;
}
