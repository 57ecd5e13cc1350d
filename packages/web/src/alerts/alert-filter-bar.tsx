import { Button, Group, MultiSelect, Select, TextInput } from "@mantine/core";
import { useEffect, useState } from "react";
import { useSites } from "../api/queries.js";
import { SEVERITY_ORDER } from "../severity.js";
import type { AlertFilters } from "./alert-filters.js";
import { STATE_LIST, STATE_LOOK } from "./alert-format.js";
import { useAlertStats } from "./alert-queries.js";
import { useAlertRules } from "./rules/rule-queries.js";

const STATE_DATA = STATE_LIST.map((s) => ({ value: s, label: STATE_LOOK[s].label }));
const SEVERITY_DATA = SEVERITY_ORDER.map((s) => ({ value: s, label: s }));

/** Filters of the Alerts list. Selects apply at once; text fields on Enter or "Apply". */
export function AlertFilterBar({
  value,
  onApply,
}: {
  value: AlertFilters;
  onApply: (next: AlertFilters) => void;
}) {
  const sites = useSites();
  const rules = useAlertRules();
  const stats = useAlertStats();
  const [text, setText] = useState({ assignee: value.assignee, q: value.q });
  useEffect(() => setText({ assignee: value.assignee, q: value.q }), [value.assignee, value.q]);
  const applyText = () => onApply({ ...value, ...text });
  // Rules, plus what else raised alerts lately (scenarios, pending bans, system checks).
  const ruleNames = [
    ...new Set([
      ...(rules.data ?? []).map((r) => r.name),
      ...(stats.data?.top_rules ?? []).map((r) => r.rule_name),
    ]),
  ];
  if (value.rule && !ruleNames.includes(value.rule)) ruleNames.unshift(value.rule);
  const siteNames = (sites.data ?? []).map((s) => s.site);
  if (value.site && !siteNames.includes(value.site)) siteNames.unshift(value.site);

  return (
    <Group gap="xs" align="flex-end" data-testid="alerts-filters">
      <MultiSelect
        size="xs"
        label="State"
        placeholder={value.state.length === 0 ? "any" : undefined}
        data={STATE_DATA}
        value={value.state}
        onChange={(v) => onApply({ ...value, state: v as AlertFilters["state"] })}
        w={260}
        clearable
        data-testid="alerts-filter-state"
      />
      <MultiSelect
        size="xs"
        label="Severity"
        placeholder={value.severity.length === 0 ? "any" : undefined}
        data={SEVERITY_DATA}
        value={value.severity}
        onChange={(v) => onApply({ ...value, severity: v as AlertFilters["severity"] })}
        w={200}
        clearable
        data-testid="alerts-filter-severity"
      />
      <Select
        size="xs"
        label="Site"
        placeholder="all sites"
        data={siteNames}
        value={value.site || null}
        onChange={(v) => onApply({ ...value, site: v ?? "" })}
        searchable
        clearable
        w={150}
        data-testid="alerts-filter-site"
      />
      <Select
        size="xs"
        label="Rule"
        placeholder="any rule"
        data={ruleNames}
        value={value.rule || null}
        onChange={(v) => onApply({ ...value, rule: v ?? "" })}
        searchable
        clearable
        w={200}
        data-testid="alerts-filter-rule"
      />
      <TextInput
        size="xs"
        label="Assignee"
        placeholder="username"
        value={text.assignee}
        onChange={(e) => setText({ ...text, assignee: e.currentTarget.value })}
        onKeyDown={(e) => e.key === "Enter" && applyText()}
        w={120}
        data-testid="alerts-filter-assignee"
      />
      <TextInput
        size="xs"
        label="Search"
        placeholder="title or group value"
        value={text.q}
        onChange={(e) => setText({ ...text, q: e.currentTarget.value })}
        onKeyDown={(e) => e.key === "Enter" && applyText()}
        w={180}
        data-testid="alerts-filter-q"
      />
      <Button size="xs" variant="default" onClick={applyText}>
        Apply
      </Button>
    </Group>
  );
}
