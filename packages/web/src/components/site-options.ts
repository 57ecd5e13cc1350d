/** Pure pieces of the site pickers: the options they list, their special choices, how bound sites read. */
import type { ComboboxItem, ComboboxItemGroup } from "@mantine/core";

/** A site as GET /api/v1/sites lists it (servers before clients send no client). */
export interface SiteRef {
  site: string;
  client?: string | undefined;
}

/**
 * Select inputs cannot carry null: "no site" (a global ban) travels as this value. Site names start
 * with a letter or digit, so it cannot collide with one; nor can NEW_SITE.
 */
export const NO_SITE = "__no_site__";
/** The "New site…" choice of the Sources forms: it opens the inline site form. */
export const NEW_SITE = "__new_site__";

export type SiteOption = ComboboxItem | ComboboxItemGroup<ComboboxItem>;

/**
 * The sites to offer, in the server's order, grouped by client when they belong to more than one (an
 * operator sees every client's). Names in `keep` that the list lacks (a bound site since deleted, a
 * value the list has not loaded yet) are offered too, so a select can still show what is chosen.
 */
export function siteOptions(sites: readonly SiteRef[], keep: readonly string[] = []): SiteOption[] {
  const known = new Set(sites.map((s) => s.site));
  const missing = [...new Set(keep)].filter((name) => name !== "" && !known.has(name));
  const item = (name: string): ComboboxItem => ({ value: name, label: name });
  const clients = [...new Set(sites.map((s) => s.client ?? ""))];
  if (clients.length <= 1) return [...sites.map((s) => item(s.site)), ...missing.map(item)];
  const groups: SiteOption[] = clients.map((client) => ({
    group: client || "No client",
    items: sites.filter((s) => (s.client ?? "") === client).map((s) => item(s.site)),
  }));
  return missing.length > 0 ? [...groups, { group: "Other", items: missing.map(item) }] : groups;
}

/** Bound sites as a table cell reads them; `none` when there are none ("All sites", "Global"). */
export function sitesLabel(sites: readonly string[] | undefined, none: string): string {
  return sites && sites.length > 0 ? sites.join(", ") : none;
}

/** The site a form starts on for a user limited to some sites: their only one, else none yet. */
export function onlySite(sites: readonly SiteRef[] | undefined): string | null {
  return sites?.length === 1 ? (sites[0]?.site ?? null) : null;
}
