import { Select } from "@mantine/core";
import { clientToSelect, STAFF_LABEL, STAFF_VALUE } from "./admin-format.js";
import { useClients } from "./admin-queries.js";

/**
 * Picks a client from GET /api/v1/clients. `withStaff` adds "Operator staff" (null: a user who sees
 * every client). A server without clients yet (or a refusal) leaves only that choice.
 */
export function ClientSelect(p: {
  value: string | null;
  onChange: (value: string) => void;
  withStaff: boolean;
  label?: string;
  description?: string;
  testId: string;
}) {
  const clients = useClients();
  const names = (clients.data ?? []).map((c) => ({ value: c.name, label: c.name }));
  const data = p.withStaff ? [{ value: STAFF_VALUE, label: STAFF_LABEL }, ...names] : names;
  return (
    <Select
      label={p.label ?? "Client"}
      description={p.description}
      required={!p.withStaff}
      data={data}
      value={p.withStaff ? clientToSelect(p.value) : p.value}
      onChange={(v) => v !== null && p.onChange(v)}
      allowDeselect={false}
      searchable
      nothingFoundMessage={clients.isPending ? "Loading…" : "No clients yet"}
      comboboxProps={{ withinPortal: true }}
      data-testid={p.testId}
    />
  );
}
