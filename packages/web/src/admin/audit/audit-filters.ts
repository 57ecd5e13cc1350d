/**
 * The Audit log's filters, kept in the URL (a link to "what alice did yesterday" can be shared). The
 * time bounds travel as the browser's local `YYYY-MM-DDTHH:mm` (what a datetime-local input reads and
 * writes) and become ISO 8601 instants only for the API.
 */

export interface AuditFilters {
  /** Exact username (or API key name) of who acted. */
  user: string;
  /** Part of "METHOD /api/v1/route", e.g. "DELETE /api/v1/api-keys". */
  action: string;
  /** Part of the target: a name or an id. */
  target: string;
  /** Local date-time, inclusive; "" for none. */
  from: string;
  /** Local date-time, exclusive; "" for none. */
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { user: "", action: "", target: "", from: "", to: "" };

const TEXT_KEYS = ["user", "action", "target"] as const;
const TIME_KEYS = ["from", "to"] as const;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A local date-time as an ISO instant, or null when it is not one (a hand-edited URL). */
export function localToIso(local: string): string | null {
  if (!LOCAL_TIME.test(local)) return null;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function auditFiltersFromSearch(search: URLSearchParams): AuditFilters {
  const out = { ...NO_AUDIT_FILTERS };
  for (const key of TEXT_KEYS) out[key] = (search.get(key) ?? "").trim();
  // A time the console could not send is dropped rather than shown as a filter that does nothing.
  for (const key of TIME_KEYS) {
    const value = search.get(key) ?? "";
    out[key] = localToIso(value) ? value : "";
  }
  return out;
}

export function auditFiltersToSearch(filters: AuditFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of [...TEXT_KEYS, ...TIME_KEYS]) {
    const value = filters[key].trim();
    if (value) out.set(key, value);
  }
  return out;
}

/** The query of GET /api/v1/audit (`user` is the API's `actor`); empty filters left out. */
export function auditFiltersToApi(filters: AuditFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (filters.user.trim()) out.set("actor", filters.user.trim());
  if (filters.action.trim()) out.set("action", filters.action.trim());
  if (filters.target.trim()) out.set("target", filters.target.trim());
  for (const key of TIME_KEYS) {
    const iso = localToIso(filters[key]);
    if (iso) out.set(key, iso);
  }
  return out;
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return auditFiltersToSearch(filters).toString() !== "";
}

/** What the detail drawer shows of a row: labelled sections, JSON as indented text. */
export interface DetailSection {
  label: string;
  text: string;
}

const SECTION_LABEL: Record<string, string> = {
  before: "Before",
  after: "After",
  body: "Request",
  params: "Target",
  error: "Refused because",
};
/** Before and after first (the change), then the request, then anything else the server added. */
const SECTION_ORDER = ["before", "after", "body", "params", "error"];

const asText = (value: unknown): string =>
  typeof value === "string" ? value : (JSON.stringify(value, null, 2) ?? String(value));

/** The sections of an audit row's `detail` (secrets were redacted by the server before storage). */
export function detailSections(detail: unknown): DetailSection[] {
  if (detail === null || detail === undefined) return [];
  if (typeof detail !== "object" || Array.isArray(detail)) return [{ label: "Detail", text: asText(detail) }];
  const entries = Object.entries(detail as Record<string, unknown>);
  const rank = (key: string): number => {
    const at = SECTION_ORDER.indexOf(key);
    return at === -1 ? SECTION_ORDER.length : at;
  };
  return entries
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, value]) => ({ label: SECTION_LABEL[key] ?? key, text: asText(value) }));
}
