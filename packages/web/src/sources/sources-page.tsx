import { Badge, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { useSources } from "../api/queries.js";
import type { Source } from "../api/types.js";
import { useApi, useAuth } from "../auth/auth-context.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { formatCount, formatTime } from "../format.js";
import { SiteAssign } from "./site-assign.js";
import { SourceForm, type SourceFormTarget } from "./source-form.js";
import { groupSources, unassignedCount } from "./source-groups.js";

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const MATCH_LABEL: Record<Source["match_type"], string> = {
  ip: "address",
  hostname: "hostname",
  serial: "serial",
};

export function SourcesPage() {
  const { user } = useAuth();
  const api = useApi();
  const queryClient = useQueryClient();
  // Registering senders is the operator's (staff-only routes); a client's admin reads the list.
  const isAdmin = user?.role === "admin" && !user.client;
  const sources = useSources();
  const [target, setTarget] = useState<SourceFormTarget | null>(null);

  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/sources/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["sources"] }),
  });

  const edit = (s: Source, newSite = false) =>
    setTarget({
      id: s.id,
      title: `Edit ${s.name || s.match_value}`,
      newSite,
      initial: {
        match_type: s.match_type,
        match_value: s.match_value,
        site: s.registered ? s.site : "",
        timezone: s.timezone || "UTC",
        name: s.name,
      },
    });
  const add = () =>
    setTarget({
      id: null,
      title: "Register a sender",
      initial: { match_type: "ip", match_value: "", site: "", timezone: browserZone(), name: "" },
    });

  const rows = sources.data ?? [];
  const groups = groupSources(rows);
  const unknown = unassignedCount(rows);

  const row = (s: Source, device: boolean) => (
    <Table.Tr
      key={s.id ?? `${s.match_type}:${s.match_value}`}
      data-testid={device ? "source-device" : "source-row"}
    >
      <Table.Td>
        {s.registered ? (
          <Badge color="green" variant="light" size="sm">
            registered
          </Badge>
        ) : (
          <Badge color="yellow" variant="filled" size="sm">
            unassigned
          </Badge>
        )}
      </Table.Td>
      <Table.Td ff="monospace" fz="xs" pl={device ? 28 : undefined}>
        {device && (
          <Text span c="dimmed" mr={4}>
            ↳
          </Text>
        )}
        <Text span c="dimmed" fz="xs">
          {MATCH_LABEL[s.match_type]}{" "}
        </Text>
        {s.match_value}
        {s.name && (
          <Text span fz="xs" ml={6}>
            ({s.name})
          </Text>
        )}
      </Table.Td>
      <Table.Td>{s.registered ? s.site : <Text c="dimmed">default</Text>}</Table.Td>
      <Table.Td>{s.timezone}</Table.Td>
      <Table.Td className="num">{s.last_seen ? formatTime(s.last_seen) : "never"}</Table.Td>
      <Table.Td ta="right" className="num">
        {formatCount(s.event_count)}
      </Table.Td>
      {isAdmin && (
        <Table.Td>
          <Group gap={4} justify="flex-end" wrap="nowrap">
            {s.id && <SiteAssign source={{ ...s, id: s.id }} onNewSite={() => edit(s, true)} />}
            <Button size="compact-xs" variant="default" onClick={() => edit(s)}>
              Edit
            </Button>
            {s.registered && s.id && (
              <Button
                size="compact-xs"
                variant="subtle"
                color="red"
                loading={remove.isPending && remove.variables === s.id}
                onClick={() => {
                  if (s.id && window.confirm(`Forget ${s.name || s.match_value}? Its events stay stored.`))
                    remove.mutate(s.id);
                }}
              >
                Delete
              </Button>
            )}
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={3}>Sources</Title>
          {unknown > 0 && (
            <Badge color="yellow" variant="light" data-testid="unknown-count">
              {unknown} unassigned
            </Badge>
          )}
        </Group>
        {isAdmin && (
          <Button size="xs" onClick={add} data-testid="source-add">
            Register a sender
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Who sends logs and the site each belongs to. Under each sender address are the syslog hostnames and
        device serials seen behind it: one address (a relay, a site's NAT) often carries several firewalls,
        and each can go to its own site. A serial wins over a hostname, a hostname over the address.
        Unassigned senders are still ingested, into site default.
      </Text>
      {remove.error && <ErrorNote title="Could not delete" error={remove.error} />}
      {sources.isPending ? (
        <Loading />
      ) : sources.error ? (
        <ErrorNote error={sources.error} onRetry={() => void sources.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No senders yet. Point a firewall's syslog at Vigil and it will appear here.</Empty>
      ) : (
        <Table highlightOnHover data-testid="sources-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Sender / device</Table.Th>
              <Table.Th>Site</Table.Th>
              <Table.Th>Time zone</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th ta="right">Events</Table.Th>
              {isAdmin && <Table.Th ta="right">Assign</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.map((g) => (
              <Fragment key={g.sender?.id ?? g.devices[0]?.id ?? g.devices[0]?.match_value}>
                {g.sender && row(g.sender, false)}
                {g.devices.map((d) => row(d, g.sender !== null))}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {isAdmin && <SourceForm target={target} onClose={() => setTarget(null)} />}
    </Stack>
  );
}
