import { Autocomplete, Button, Group, SimpleGrid, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { type AuditFilters, hasAuditFilters, NO_AUDIT_FILTERS } from "./audit-filters.js";

/** Actions worth a shortcut; the field takes any part of "METHOD /api/v1/…". */
const ACTIONS = [
  "/api/v1/users",
  "POST /api/v1/users",
  "PUT /api/v1/users/:id",
  "DELETE /api/v1/users/:id",
  "/api/v1/api-keys",
  "POST /api/v1/api-keys",
  "DELETE /api/v1/api-keys/:id",
  "/api/v1/clients",
  "/api/v1/sites",
  "POST /api/v1/auth/login",
];

/** The plain fields, in their order around the Action field. */
const TEXT_FIELDS: Array<{ key: keyof AuditFilters; label: string; placeholder?: string; time?: true }> = [
  { key: "user", label: "User", placeholder: "username or key name" },
  { key: "target", label: "Target", placeholder: "name or id" },
  { key: "from", label: "From", time: true },
  { key: "to", label: "To", time: true },
];

/** The filters as typed; applied (to the URL) on Enter or Apply. */
export function AuditFilterBar({
  value,
  onApply,
}: {
  value: AuditFilters;
  onApply: (f: AuditFilters) => void;
}) {
  const [draft, setDraft] = useState(value);
  // Back/forward changes the URL: the fields follow.
  useEffect(() => setDraft(value), [value]);
  const set = (key: keyof AuditFilters) => (v: string) => setDraft((d) => ({ ...d, [key]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const field = (f: (typeof TEXT_FIELDS)[number]) => (
    <TextInput
      key={f.key}
      size="xs"
      type={f.time ? "datetime-local" : "text"}
      label={f.label}
      placeholder={f.placeholder}
      value={draft[f.key]}
      onChange={(e) => set(f.key)(e.currentTarget.value)}
      data-testid={`audit-filter-${f.key}`}
    />
  );
  return (
    <form onSubmit={submit} data-testid="audit-filters">
      {/* Two fields a row on a phone, all five in one on a wide screen. */}
      <SimpleGrid cols={{ base: 2, md: 5 }} spacing="xs" verticalSpacing={4}>
        {field(TEXT_FIELDS[0] as (typeof TEXT_FIELDS)[number])}
        <Autocomplete
          size="xs"
          label="Action"
          placeholder="e.g. POST /api/v1/users"
          data={ACTIONS}
          value={draft.action}
          onChange={set("action")}
          data-testid="audit-filter-action"
        />
        {TEXT_FIELDS.slice(1).map(field)}
      </SimpleGrid>
      <Group gap="xs" mt="xs">
        <Button size="xs" type="submit" data-testid="audit-filter-apply">
          Apply
        </Button>
        {hasAuditFilters(value) && (
          <Button size="xs" variant="default" onClick={() => onApply(NO_AUDIT_FILTERS)}>
            Clear
          </Button>
        )}
      </Group>
    </form>
  );
}
