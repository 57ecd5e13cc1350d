import { Group, Select, Table, Text } from "@mantine/core";
import { useState } from "react";
import { useApi } from "../../auth/auth-context.js";
import { ErrorNote } from "../../components/query-state.js";
import { QueryTable } from "../../components/query-table.js";
import { EditDeleteButtons } from "../../components/row-actions.js";
import { formatCount, formatTime } from "../../format.js";
import { sitesOfClient, timeOrNever } from "../admin-format.js";
import {
  ADMIN_KEYS,
  apiPath,
  useAdminMutation,
  useAdminSites,
  useClients,
  useViewer,
} from "../admin-queries.js";
import type { AdminSite, Client } from "../admin-types.js";
import { SectionHeader, SettingsPage } from "../settings-layout.js";
import { ClientForm } from "./client-form.js";
import { SiteForm } from "./site-form.js";

/** The last cell of a client's or site's row: Edit, and Delete (a refusal, e.g. a 409, shows above the table). */
function ActionsCell(p: {
  what: "client" | "site";
  name: string;
  onEdit: () => void;
  remove: { mutate: (name: string) => void; isPending: boolean; variables: string | undefined };
}) {
  return (
    <Table.Td>
      <Group gap={4} justify="flex-end" wrap="nowrap">
        <EditDeleteButtons
          onEdit={p.onEdit}
          confirmDelete={`Delete the ${p.what} ${p.name}?`}
          onDelete={() => p.remove.mutate(p.name)}
          deleting={p.remove.isPending && p.remove.variables === p.name}
          testId={p.what}
        />
      </Group>
    </Table.Td>
  );
}

function ClientsTable({ onEdit }: { onEdit: (c: Client) => void }) {
  const api = useApi();
  const clients = useClients();
  const remove = useAdminMutation(
    (name: string) => api.delete(apiPath("/api/v1/clients", name)),
    [ADMIN_KEYS.clients],
  );
  return (
    <>
      {remove.error ? <ErrorNote title="Not deleted" error={remove.error} /> : null}
      <QueryTable
        query={clients}
        testId="clients-table"
        columns={[
          "Client",
          "Description",
          { label: "Sites", right: true },
          { label: "Users", right: true },
          "Created",
          "",
        ]}
        empty="No clients yet."
        minWidth={640}
      >
        {(items) =>
          items.map((c) => (
            <Table.Tr key={c.name} data-testid="client-row" data-name={c.name}>
              <Table.Td fw={600} style={{ whiteSpace: "nowrap" }}>
                {c.name}
              </Table.Td>
              <Table.Td>{c.description ?? ""}</Table.Td>
              <Table.Td ta="right" className="num" data-testid="client-site-count">
                {formatCount(c.site_count)}
              </Table.Td>
              <Table.Td ta="right" className="num" data-testid="client-user-count">
                {formatCount(c.user_count)}
              </Table.Td>
              <Table.Td className="num">{formatTime(c.created_at)}</Table.Td>
              <ActionsCell what="client" name={c.name} onEdit={() => onEdit(c)} remove={remove} />
            </Table.Tr>
          ))
        }
      </QueryTable>
    </>
  );
}

const SITE_COLUMNS = [
  "Site",
  "Client",
  "Description",
  { label: "Events", right: true },
  "Last event",
  { label: "Sources", right: true },
  "",
] as const;

function SitesTable({ client, onEdit }: { client: string | null; onEdit: (s: AdminSite) => void }) {
  const api = useApi();
  const sites = useAdminSites();
  const remove = useAdminMutation(
    (name: string) => api.delete(apiPath("/api/v1/sites", name)),
    [["sites"], ADMIN_KEYS.clients],
  );
  const shown = { ...sites, data: sites.data && sitesOfClient(sites.data, client) };
  return (
    <>
      {remove.error ? <ErrorNote title="Not deleted" error={remove.error} /> : null}
      <QueryTable
        query={shown}
        testId="sites-table"
        columns={SITE_COLUMNS}
        empty={client ? `No sites of ${client}.` : "No sites yet."}
        minWidth={780}
      >
        {(items) =>
          items.map((s) => (
            <Table.Tr key={s.name} data-testid="site-row" data-name={s.name} data-client={s.client}>
              <Table.Td fw={600} style={{ whiteSpace: "nowrap" }}>
                {s.name}
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>{s.client}</Table.Td>
              <Table.Td>{s.description ?? ""}</Table.Td>
              <Table.Td ta="right" className="num">
                {formatCount(s.event_count)}
              </Table.Td>
              <Table.Td className="num">{timeOrNever(s.last_event)}</Table.Td>
              <Table.Td ta="right" className="num">
                {formatCount(s.source_count)}
              </Table.Td>
              <ActionsCell what="site" name={s.name} onEdit={() => onEdit(s)} remove={remove} />
            </Table.Tr>
          ))
        }
      </QueryTable>
    </>
  );
}

type Dialog = { kind: "client"; client: Client | null } | { kind: "site"; site: AdminSite | null };

export function ClientsPage() {
  const { staff } = useViewer();
  const clients = useClients(staff);
  const [filter, setFilter] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  return (
    <SettingsPage
      title="Clients and sites"
      description="Clients are the organisations whose logs Vigil watches; each owns sites, and senders, API keys and users belong to a site or a client. Something still in use cannot be deleted: the reason is shown."
      action={
        staff
          ? {
              label: "New client",
              onClick: () => setDialog({ kind: "client", client: null }),
              testId: "client-new",
            }
          : undefined
      }
    >
      {staff && <ClientsTable onEdit={(c) => setDialog({ kind: "client", client: c })} />}
      <SectionHeader
        title="Sites"
        order={4}
        action={{
          label: "New site",
          onClick: () => setDialog({ kind: "site", site: null }),
          testId: "site-new",
        }}
      />
      {staff && (
        <Select
          size="xs"
          maw={220}
          placeholder="All clients"
          aria-label="Show the sites of"
          clearable
          data={(clients.data ?? []).map((c) => c.name)}
          value={filter}
          onChange={setFilter}
          data-testid="sites-client-filter"
        />
      )}
      <Text size="xs" c="dimmed">
        Events, last event and sources are what the site holds now; a site with any of them cannot be deleted.
      </Text>
      <SitesTable client={filter} onEdit={(s) => setDialog({ kind: "site", site: s })} />
      {dialog?.kind === "client" && <ClientForm client={dialog.client} onClose={close} />}
      {dialog?.kind === "site" && <SiteForm site={dialog.site} client={filter} onClose={close} />}
    </SettingsPage>
  );
}
