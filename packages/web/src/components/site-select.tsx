import { type MantineSize, MultiSelect, Select } from "@mantine/core";
import { useSites } from "../api/queries.js";
import { NEW_SITE, NO_SITE, type SiteOption, siteOptions } from "./site-options.js";

const nothingFound = (pending: boolean): string => (pending ? "Loading…" : "No sites");

/**
 * Binds an enforcement point (a firewall target, a CrowdSec bouncer) to sites from GET /api/v1/sites:
 * it then receives those sites' bans and the global ones. None chosen: every ban.
 */
export function SitesMultiSelect(p: {
  value: string[];
  onChange: (value: string[]) => void;
  testId: string;
  size?: MantineSize;
  w?: number;
}) {
  const sites = useSites();
  return (
    <MultiSelect
      label="Sites"
      description="Empty: receives every ban"
      placeholder={p.value.length === 0 ? "All sites" : undefined}
      size={p.size}
      w={p.w}
      data={siteOptions(sites.data ?? [], p.value)}
      value={p.value}
      onChange={p.onChange}
      searchable
      clearable
      nothingFoundMessage={nothingFound(sites.isPending)}
      comboboxProps={{ withinPortal: true }}
      data-testid={p.testId}
    />
  );
}

/**
 * One site from GET /api/v1/sites. `none` adds a first choice meaning "no site" (value NO_SITE, e.g.
 * "Global (every site)"); `withNew` adds "New site…" (value NEW_SITE) last. The caller maps both.
 */
export function SiteSelect(p: {
  value: string | null;
  onChange: (value: string) => void;
  /** Absent inside a table row: then `ariaLabel` names it. */
  label?: string;
  ariaLabel?: string;
  placeholder?: string;
  testId: string;
  none?: string;
  withNew?: boolean;
  required?: boolean;
  description?: string;
  error?: string | null;
  size?: MantineSize;
  w?: number;
}) {
  const sites = useSites();
  const chosen = p.value !== null && p.value !== NO_SITE && p.value !== NEW_SITE ? [p.value] : [];
  const data: SiteOption[] = [
    ...(p.none ? [{ value: NO_SITE, label: p.none }] : []),
    ...siteOptions(sites.data ?? [], chosen),
    ...(p.withNew ? [{ value: NEW_SITE, label: "New site…" }] : []),
  ];
  return (
    <Select
      label={p.label}
      aria-label={p.ariaLabel}
      description={p.description}
      required={p.required}
      placeholder={p.placeholder ?? (p.required ? "Choose a site" : undefined)}
      size={p.size}
      w={p.w}
      data={data}
      value={p.value}
      onChange={(v) => v !== null && p.onChange(v)}
      allowDeselect={false}
      searchable
      error={p.error}
      nothingFoundMessage={nothingFound(sites.isPending)}
      comboboxProps={{ withinPortal: true }}
      data-testid={p.testId}
    />
  );
}
