/**
 * The Alerts list's filters, kept in the URL so a shared link or the back button gives the same view.
 * No `state` in the URL means the open states (what needs someone); `state=all` shows every state.
 */

import type { Severity } from "../api/types.js";
import { isSeverity } from "../severity.js";
import { isAlertState, OPEN_STATE_LIST } from "./alert-format.js";
import type { AlertState } from "./alert-types.js";

export interface AlertFilters {
  /** [] = every state. */
  state: AlertState[];
  /** [] = every severity. */
  severity: Severity[];
  site: string;
  rule: string;
  assignee: string;
  q: string;
}

function list(value: string | null): string[] {
  return (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

export function alertFiltersFromSearch(search: URLSearchParams): AlertFilters {
  const stateParam = search.get("state");
  const state =
    stateParam === null
      ? [...OPEN_STATE_LIST]
      : stateParam === "all"
        ? []
        : list(stateParam).filter(isAlertState);
  return {
    state,
    severity: list(search.get("severity")).filter(isSeverity),
    site: search.get("site") ?? "",
    rule: search.get("rule") ?? "",
    assignee: search.get("assignee") ?? "",
    q: search.get("q") ?? "",
  };
}

export function alertFiltersToSearch(filters: AlertFilters): URLSearchParams {
  const out = new URLSearchParams();
  const open =
    filters.state.length === OPEN_STATE_LIST.length &&
    OPEN_STATE_LIST.every((s) => filters.state.includes(s));
  if (filters.state.length === 0) out.set("state", "all");
  else if (!open) out.set("state", filters.state.join(","));
  if (filters.severity.length > 0) out.set("severity", filters.severity.join(","));
  for (const key of ["site", "rule", "assignee", "q"] as const) {
    const value = filters[key].trim();
    if (value) out.set(key, value);
  }
  return out;
}

/** The query of GET /api/v1/alerts (comma lists, empty filters left out). */
export function alertFiltersToApi(filters: AlertFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (filters.state.length > 0) out.set("state", filters.state.join(","));
  if (filters.severity.length > 0) out.set("severity", filters.severity.join(","));
  for (const key of ["site", "rule", "assignee", "q"] as const) {
    const value = filters[key].trim();
    if (value) out.set(key, value);
  }
  return out;
}
