import { formatGoDuration } from "./go-duration.js";

/**
 * CrowdSec decisions as bouncers expect them (the LAPI `models.Decision`), and the stream's query
 * filters. Pure: rows in, JSON text out, so a 100k-decision startup stream is built in one pass.
 */

/** One row of the decision log, as read for a bouncer. */
export interface DecisionRow {
  id: string;
  value: string;
  scope: "Ip" | "Range";
  scenario: string;
  uuid: string;
  /** Expiry in ms since the epoch; null = permanent. */
  untilMs: number | null;
}

export interface DecisionFilter {
  /** Lower-cased scopes ("ip", "range"); CrowdSec's default when absent is both. */
  scopes: Set<string>;
  /** Origins asked for; empty = any. Vigil's decisions all have origin "vigil". */
  origins: string[];
  scenariosContaining: string[];
  scenariosNotContaining: string[];
}

export const DECISION_ORIGIN = "vigil";

function commaList(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export function parseDecisionFilter(query: Record<string, unknown>): DecisionFilter {
  const scopes = commaList(query.scopes).map((s) => s.toLowerCase());
  return {
    scopes: new Set(scopes.length > 0 ? scopes : ["ip", "range"]),
    origins: commaList(query.origins).map((o) => o.toLowerCase()),
    scenariosContaining: commaList(query.scenarios_containing).map((s) => s.toLowerCase()),
    scenariosNotContaining: commaList(query.scenarios_not_containing).map((s) => s.toLowerCase()),
  };
}

export function matchesFilter(row: DecisionRow, filter: DecisionFilter): boolean {
  if (!filter.scopes.has(row.scope.toLowerCase())) return false;
  if (filter.origins.length > 0 && !filter.origins.includes(DECISION_ORIGIN)) return false;
  const scenario = row.scenario.toLowerCase();
  if (filter.scenariosContaining.length > 0 && !filter.scenariosContaining.some((s) => scenario.includes(s)))
    return false;
  return !filter.scenariosNotContaining.some((s) => scenario.includes(s));
}

export interface FormatOptions {
  now: number;
  /** What a permanent ban's `duration` says (CrowdSec has no "forever"). */
  permanentDurationMs: number;
  /** Decisions in `new` never carry a negative duration (a bouncer would drop them). */
  clampAtZero: boolean;
}

/** One decision as JSON text (field order as CrowdSec writes it). */
export function decisionJson(row: DecisionRow, options: FormatOptions): string {
  let remaining = row.untilMs === null ? options.permanentDurationMs : row.untilMs - options.now;
  if (options.clampAtZero && remaining < 0) remaining = 0;
  return JSON.stringify({
    duration: formatGoDuration(remaining),
    id: Number(row.id),
    origin: DECISION_ORIGIN,
    scenario: row.scenario,
    scope: row.scope,
    type: "ban",
    uuid: row.uuid,
    value: row.value,
  });
}

/**
 * A JSON array of the rows that pass the filter, or `null` when none does: CrowdSec (Go, nil slices)
 * answers `null` for an empty list, and bouncers are written against that.
 */
export function decisionsArrayJson(
  rows: Iterable<DecisionRow>,
  filter: DecisionFilter | null,
  options: FormatOptions,
): string {
  const parts: string[] = [];
  for (const row of rows) {
    if (filter && !matchesFilter(row, filter)) continue;
    parts.push(decisionJson(row, options));
  }
  return parts.length === 0 ? "null" : `[${parts.join(",")}]`;
}
