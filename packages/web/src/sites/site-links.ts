/**
 * Where a site's numbers lead: the explorer, Alerts and Bans narrowed to that site. The explorer keeps
 * its default range (the last 24 hours), the same window the server counts top attackers over. Pure.
 */
import { EMPTY_FILTERS, filtersToSearch } from "../filters/filters.js";

export function siteEventsLink(site: string, srcIp = ""): string {
  return `/events?${filtersToSearch({ ...EMPTY_FILTERS, site, src_ip: srcIp }).toString()}`;
}

export function siteAlertsLink(site: string): string {
  return `/alerts?${new URLSearchParams({ site }).toString()}`;
}

/** The Bans page showing this site's active bans. */
export function siteBansLink(site: string): string {
  return `/bans?${new URLSearchParams({ site }).toString()}`;
}

export function siteDetailLink(site: string): string {
  return `/sites/${encodeURIComponent(site)}`;
}
