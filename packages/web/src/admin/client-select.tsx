import { Select } from "@mantine/core";
import { clientToSelect, STAFF_LABEL, STAFF_VALUE } from "./admin-format.js";
import { useClients, useViewer } from "./admin-queries.js";

/**
 * Picks a client from GET /api/v1/clients. `withStaff` adds "Operator staff" (null: a user who sees
 * every client). A client's own admin may not list clients: their one client is the only choice.
 */
export function ClientSelect(p: {
  value: string | null;
  onChange: (value: string) => void;
  withStaff: boolean;
  label?: string;
  description?: string;
  testId: string;
}) {
  const viewer = useViewer();
  const clients = useClients(viewer.staff);
  const names = viewer.staff ? (clients.data ?? []).map((c) => c.name) : viewer.client ? [viewer.client] : [];
  const options = names.map((name) => ({ value: name, label: name }));
  const data =
    p.withStaff && viewer.staff ? [{ value: STAFF_VALUE, label: STAFF_LABEL }, ...options] : options;
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
