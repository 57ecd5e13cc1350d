import { Badge, Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSources } from "../api/queries.js";
import type { Source } from "../api/types.js";
import { useApi, useAuth } from "../auth/auth-context.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { SourceForm, type SourceFormTarget } from "./source-form.js";

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** Unknown senders first: they are the ones waiting for an admin. */
function byAttention(a: Source, b: Source): number {
  if (a.registered !== b.registered) return a.registered ? 1 : -1;
  return (b.last_seen ?? "").localeCompare(a.last_seen ?? "");
}

export function SourcesPage() {
  usePageTitle("Sources");
  const { user } = useAuth();
  const api = useApi();
  const queryClient = useQueryClient();
  const isAdmin = user?.role === "admin";
  const sources = useSources();
  const [target, setTarget] = useState<SourceFormTarget | null>(null);

  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/sources/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["sources"] }),
  });

  const assign = (s: Source) =>
    setTarget({
      id: null,
      title: `Assign ${s.match_value} to a site`,
      initial: {
        match_type: s.match_type,
        match_value: s.match_value,
        site: "",
        timezone: browserZone(),
        name: "",
      },
    });
  const edit = (s: Source) =>
    setTarget({
      id: s.id,
      title: `Edit ${s.name || s.match_value}`,
      initial: {
        match_type: s.match_type,
        match_value: s.match_value,
        site: s.site,
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

  const rows = [...(sources.data ?? [])].sort(byAttention);
  const unknown = rows.filter((s) => !s.registered).length;

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
        Senders of logs and the site each belongs to. Unassigned senders are still ingested; assigning one
        sets its site and the time zone used for timestamps without an offset.
      </Text>
      {remove.error && <ErrorNote title="Could not delete" error={remove.error} />}
      {sources.isPending ? (
        <Loading />
      ) : sources.error ? (
        <ErrorNote error={sources.error} onRetry={() => void sources.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No senders yet. Point a firewall's syslog at Vigil and it will appear here.</Empty>
      ) : (
        <Table highlightOnHover striped data-testid="sources-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Match</Table.Th>
              <Table.Th>Site</Table.Th>
              <Table.Th>Time zone</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th ta="right">Events</Table.Th>
              {isAdmin && <Table.Th ta="right">Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((s) => (
              <Table.Tr key={s.id ?? `${s.match_type}:${s.match_value}`} data-testid="source-row">
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
                <Table.Td>{s.name || <Text c="dimmed">—</Text>}</Table.Td>
                <Table.Td ff="monospace" fz="xs">
                  {s.match_type}: {s.match_value}
                </Table.Td>
                <Table.Td>{s.site}</Table.Td>
                <Table.Td>{s.timezone}</Table.Td>
                <Table.Td className="num">{s.last_seen ? formatTime(s.last_seen) : "never"}</Table.Td>
                <Table.Td ta="right" className="num">
                  {formatCount(s.event_count)}
                </Table.Td>
                {isAdmin && (
                  <Table.Td ta="right">
                    {s.registered && s.id ? (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button size="compact-xs" variant="default" onClick={() => edit(s)}>
                          Edit
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          loading={remove.isPending && remove.variables === s.id}
                          onClick={() => {
                            if (
                              s.id &&
                              window.confirm(`Delete ${s.name || s.match_value}? Its events stay stored.`)
                            )
                              remove.mutate(s.id);
                          }}
                        >
                          Delete
                        </Button>
                      </Group>
                    ) : (
                      <Button size="compact-xs" onClick={() => assign(s)} data-testid="source-assign">
                        Assign
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {isAdmin && <SourceForm target={target} onClose={() => setTarget(null)} />}
    </Stack>
  );
}
