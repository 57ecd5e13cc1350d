import { Button, Group, Select, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useApi, useAuth } from "../../auth/auth-context.js";
import { ErrorNote } from "../../components/query-state.js";
import { QueryTable } from "../../components/query-table.js";
import { formatCount, formatTime } from "../../format.js";
import { isStaff, sitesOfClient, timeOrNever } from "../admin-format.js";
import { ADMIN_KEYS, apiPath, useAdminMutation, useAdminSites, useClients } from "../admin-queries.js";
import type { AdminSite, Client } from "../admin-types.js";
import { SettingsPage } from "../settings-layout.js";
import { ClientForm } from "./client-form.js";
import { SiteForm } from "./site-form.js";

/** Row buttons: Edit, and Delete after a confirmation (a refusal, e.g. a 409, shows above the table). */
function RowActions(p: {
  name: string;
  what: string;
  onEdit: () => void;
  onDelete: () => void;
  busy: boolean;
}) {
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Button size="compact-xs" variant="default" onClick={p.onEdit} data-testid={`${p.what}-edit`}>
        Edit
      </Button>
      <Button
        size="compact-xs"
        variant="subtle"
        color="red"
        loading={p.busy}
        onClick={() => {
          if (window.confirm(`Delete the ${p.what} ${p.name}?`)) p.onDelete();
        }}
        data-testid={`${p.what}-delete`}
      >
        Delete
      </Button>
    </Group>
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
        columns={6}
        empty="No clients yet."
        minWidth={640}
        head={
          <>
            <Table.Th>Client</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th ta="right">Sites</Table.Th>
            <Table.Th ta="right">Users</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th />
          </>
        }
      >
        {(items) =>
          items.map((c) => (
            <Table.Tr key={c.name} data-testid="client-row" data-name={c.name}>
              <Table.Td fw={600}>{c.name}</Table.Td>
              <Table.Td>{c.description ?? ""}</Table.Td>
              <Table.Td ta="right" className="num" data-testid="client-site-count">
                {formatCount(c.site_count)}
              </Table.Td>
              <Table.Td ta="right" className="num" data-testid="client-user-count">
                {formatCount(c.user_count)}
              </Table.Td>
              <Table.Td className="num">{formatTime(c.created_at)}</Table.Td>
              <Table.Td>
                <RowActions
                  name={c.name}
                  what="client"
                  onEdit={() => onEdit(c)}
                  onDelete={() => remove.mutate(c.name)}
                  busy={remove.isPending && remove.variables === c.name}
                />
              </Table.Td>
            </Table.Tr>
          ))
        }
      </QueryTable>
    </>
  );
}

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
        columns={7}
        empty={client ? `No sites of ${client}.` : "No sites yet."}
        minWidth={780}
        head={
          <>
            <Table.Th>Site</Table.Th>
            <Table.Th>Client</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th ta="right">Events</Table.Th>
            <Table.Th>Last event</Table.Th>
            <Table.Th ta="right">Sources</Table.Th>
            <Table.Th />
          </>
        }
      >
        {(items) =>
          items.map((s) => (
            <Table.Tr key={s.name} data-testid="site-row" data-name={s.name} data-client={s.client}>
              <Table.Td fw={600}>{s.name}</Table.Td>
              <Table.Td>{s.client}</Table.Td>
              <Table.Td>{s.description ?? ""}</Table.Td>
              <Table.Td ta="right" className="num">
                {formatCount(s.event_count)}
              </Table.Td>
              <Table.Td className="num">{timeOrNever(s.last_event)}</Table.Td>
              <Table.Td ta="right" className="num">
                {formatCount(s.source_count)}
              </Table.Td>
              <Table.Td>
                <RowActions
                  name={s.name}
                  what="site"
                  onEdit={() => onEdit(s)}
                  onDelete={() => remove.mutate(s.name)}
                  busy={remove.isPending && remove.variables === s.name}
                />
              </Table.Td>
            </Table.Tr>
          ))
        }
      </QueryTable>
    </>
  );
}

type Dialog = { kind: "client"; client: Client | null } | { kind: "site"; site: AdminSite | null };

export function ClientsPage() {
  const { user } = useAuth();
  const staff = isStaff(user);
  const clients = useClients(staff);
  const [filter, setFilter] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const close = () => setDialog(null);
  return (
    <SettingsPage
      title="Clients and sites"
      description="Clients are the organisations whose logs Vigil watches; each owns sites, and senders, API keys and users belong to a site or a client. Something still in use cannot be deleted: the reason is shown."
      action={
        staff && (
          <Button
            size="xs"
            onClick={() => setDialog({ kind: "client", client: null })}
            data-testid="client-new"
          >
            New client
          </Button>
        )
      }
    >
      {staff && <ClientsTable onEdit={(c) => setDialog({ kind: "client", client: c })} />}
      <Group justify="space-between" mt="md" wrap="nowrap" gap="xs">
        <Title order={4}>Sites</Title>
        <Group gap="xs" wrap="nowrap">
          {staff && (
            <Select
              size="xs"
              w={170}
              placeholder="All clients"
              aria-label="Show the sites of"
              clearable
              data={(clients.data ?? []).map((c) => c.name)}
              value={filter}
              onChange={setFilter}
              data-testid="sites-client-filter"
            />
          )}
          <Button size="xs" onClick={() => setDialog({ kind: "site", site: null })} data-testid="site-new">
            New site
          </Button>
        </Group>
      </Group>
      <Text size="xs" c="dimmed">
        Events, last event and sources are what the site holds now; a site with any of them cannot be deleted.
      </Text>
      <SitesTable client={filter} onEdit={(s) => setDialog({ kind: "site", site: s })} />
      {dialog?.kind === "client" && <ClientForm client={dialog.client} onClose={close} />}
      {dialog?.kind === "site" && <SiteForm site={dialog.site} client={filter} onClose={close} />}
    </SettingsPage>
  );
}
