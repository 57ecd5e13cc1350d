import {
  Autocomplete,
  Button,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  TextInput,
} from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useSites } from "../api/queries.js";
import type { Severity } from "../api/types.js";
import { EMPTY_FILTERS, type EventFilters, isIpOrCidr, RANGES, type RangeKey } from "../filters/filters.js";
import { isSeverity, SEVERITY_ORDER } from "../severity.js";
import { fromLocalInput, toLocalInput } from "./local-time.js";

const LOG_TYPES = ["WAF", "IPS", "ATP", "Anti-Virus", "Firewall", "VPN", "SSH", "Event"];
const ACTIONS = ["allow", "drop", "reject", "quarantine"];

interface FilterBarProps {
  value: EventFilters;
  onApply: (filters: EventFilters) => void;
}

/** Edits a draft; nothing is queried until Apply (or Enter), so typing does not fire a search per key. */
export function FilterBar({ value, onApply }: FilterBarProps) {
  const [draft, setDraft] = useState<EventFilters>(value);
  const sites = useSites();
  useEffect(() => setDraft(value), [value]);

  const set = <K extends keyof EventFilters>(key: K, v: EventFilters[K]) =>
    setDraft((d) => ({ ...d, [key]: v }));

  const ipError = (ip: string) => (ip.trim() && !isIpOrCidr(ip) ? "IP or CIDR, e.g. 10.0.0.0/8" : null);
  const countryError =
    draft.country.trim() && !/^[A-Za-z]{2}$/.test(draft.country.trim()) ? "2 letters" : null;
  const customError =
    draft.range === "custom" && !draft.from
      ? "Pick a start"
      : draft.to && draft.from > draft.to
        ? "Ends before start"
        : null;
  const invalid = Boolean(ipError(draft.src_ip) || ipError(draft.dst_ip) || countryError || customError);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (invalid) return;
    onApply({ ...draft, country: draft.country.trim().toUpperCase() });
  };

  const setRange = (range: RangeKey) => {
    if (range === "custom" && !draft.from) {
      // Start the custom window from the last 24 hours so the fields are not empty.
      const now = Date.now();
      setDraft((d) => ({
        ...d,
        range,
        from: new Date(now - 24 * 3600_000).toISOString(),
        to: new Date(now).toISOString(),
      }));
    } else set("range", range);
  };

  return (
    <Paper p="xs" withBorder bg="dark.7" component="form" onSubmit={submit} data-testid="filter-bar">
      <Group gap="xs" mb="xs" wrap="wrap" align="flex-end">
        <SegmentedControl
          size="xs"
          value={draft.range}
          onChange={(v) => setRange(v as RangeKey)}
          data={[...RANGES.map((r) => ({ value: r, label: r })), { value: "custom", label: "Custom" }]}
          data-testid="filter-range"
        />
        {draft.range === "custom" && (
          <>
            <TextInput
              size="xs"
              type="datetime-local"
              aria-label="From"
              value={toLocalInput(draft.from)}
              onChange={(e) => set("from", fromLocalInput(e.currentTarget.value))}
              error={customError}
              data-testid="filter-from"
            />
            <TextInput
              size="xs"
              type="datetime-local"
              aria-label="To"
              value={toLocalInput(draft.to)}
              onChange={(e) => set("to", fromLocalInput(e.currentTarget.value))}
              data-testid="filter-to"
            />
          </>
        )}
        <TextInput
          size="xs"
          style={{ flex: 1, minWidth: 240 }}
          placeholder="Search message, URL, raw log…"
          aria-label="Free text"
          value={draft.q}
          onChange={(e) => set("q", e.currentTarget.value)}
          data-testid="filter-q"
        />
        <Button size="xs" type="submit" disabled={invalid} data-testid="filter-apply">
          Apply
        </Button>
        <Button
          size="xs"
          variant="default"
          onClick={() => onApply({ ...EMPTY_FILTERS, range: draft.range, from: draft.from, to: draft.to })}
          data-testid="filter-clear"
        >
          Clear
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3, md: 5, lg: 9 }} spacing="xs">
        <Select
          size="xs"
          placeholder="All sites"
          label="Site"
          clearable
          searchable
          data={(sites.data ?? []).map((s) => s.site)}
          onDropdownOpen={() => void sites.refetch()}
          value={draft.site || null}
          onChange={(v) => set("site", v ?? "")}
          data-testid="filter-site"
        />
        <Autocomplete
          size="xs"
          placeholder="Any"
          label="Log type"
          data={LOG_TYPES}
          value={draft.log_type}
          onChange={(v) => set("log_type", v)}
          data-testid="filter-log-type"
        />
        <TextInput
          size="xs"
          placeholder="e.g. port_scan"
          label="Event type"
          value={draft.event_type}
          onChange={(e) => set("event_type", e.currentTarget.value)}
          data-testid="filter-event-type"
        />
        <MultiSelect
          size="xs"
          placeholder={draft.severity.length ? undefined : "Any"}
          label="Severity"
          data={[...SEVERITY_ORDER]}
          value={draft.severity}
          onChange={(v) => set("severity", v.filter(isSeverity) as Severity[])}
          clearable
          data-testid="filter-severity"
        />
        <Select
          size="xs"
          placeholder="Any"
          label="Action"
          clearable
          data={ACTIONS}
          value={draft.action || null}
          onChange={(v) => set("action", v ?? "")}
          data-testid="filter-action"
        />
        <TextInput
          size="xs"
          placeholder="IP or CIDR"
          label="Source IP"
          value={draft.src_ip}
          onChange={(e) => set("src_ip", e.currentTarget.value)}
          error={ipError(draft.src_ip)}
          data-testid="filter-src-ip"
        />
        <TextInput
          size="xs"
          placeholder="IP or CIDR"
          label="Destination IP"
          value={draft.dst_ip}
          onChange={(e) => set("dst_ip", e.currentTarget.value)}
          error={ipError(draft.dst_ip)}
          data-testid="filter-dst-ip"
        />
        <TextInput
          size="xs"
          placeholder="e.g. FR"
          label="Country"
          maxLength={2}
          value={draft.country}
          onChange={(e) => set("country", e.currentTarget.value)}
          error={countryError}
          data-testid="filter-country"
        />
        <TextInput
          size="xs"
          placeholder="e.g. 942100"
          label="Rule ID"
          value={draft.rule_id}
          onChange={(e) => set("rule_id", e.currentTarget.value)}
          data-testid="filter-rule-id"
        />
      </SimpleGrid>
    </Paper>
  );
}
