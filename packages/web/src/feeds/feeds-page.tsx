import { Badge, Button, Group, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Feed } from "../api/response-types.js";
import { useApi, useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { flagOf } from "../bans/ban-format.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { FeedForm } from "./feed-form.js";
import { FeedLookup } from "./feed-lookup.js";

function statusColor(feed: Feed): string {
  if (feed.last_error) return "red";
  if (!feed.last_refresh) return "gray";
  return "teal";
}

export function FeedsPage() {
  usePageTitle("Blocklist feeds");
  const api = useApi();
  const { user } = useAuth();
  const isAdmin = user?.role === "admin";
  const canAct = roleAtLeast(user?.role, "analyst");
  const queryClient = useQueryClient();
  const feeds = useQuery({
    queryKey: ["feeds", "list"],
    queryFn: ({ signal }) => api.get<{ items: Feed[] }>("/api/v1/feeds", undefined, signal),
    select: (d) => d.items,
    // A refresh runs in the background after the 202: poll while the page is open.
    refetchInterval: 10_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["feeds", "list"] });
  const refreshNow = useMutation({
    mutationFn: (id: string) => api.post(`/api/v1/feeds/${encodeURIComponent(id)}/refresh`),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/feeds/${encodeURIComponent(id)}`),
    onSuccess: refresh,
  });
  const [form, setForm] = useState<{ feed: Feed | null } | null>(null);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>Blocklist feeds</Title>
        {isAdmin && (
          <Button size="xs" onClick={() => setForm({ feed: null })} data-testid="feed-add">
            Subscribe to a feed
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Third-party lists of known attackers. Membership raises an IP's threat score for ban decisions.
      </Text>
      <FeedLookup />
      {(refreshNow.error || remove.error) && (
        <ErrorNote title="Action failed" error={refreshNow.error ?? remove.error} />
      )}
      {feeds.isPending ? (
        <Loading />
      ) : feeds.error ? (
        <ErrorNote error={feeds.error} onRetry={() => void feeds.refetch()} />
      ) : feeds.data.length === 0 ? (
        <Empty>No feeds. Subscribe to a plain-text or CrowdSec blocklist.</Empty>
      ) : (
        <Table striped fz="xs" verticalSpacing={4} data-testid="feeds-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Format</Table.Th>
              <Table.Th ta="right">Entries</Table.Th>
              <Table.Th>Top countries</Table.Th>
              <Table.Th>Last refresh</Table.Th>
              <Table.Th>Every</Table.Th>
              <Table.Th>XGS</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {feeds.data.map((f) => (
              <Table.Tr key={f.id} data-testid="feed-row" opacity={f.enabled ? 1 : 0.55}>
                <Table.Td>
                  <Tooltip label={f.last_error ?? f.last_status ?? "not fetched yet"} multiline w={320}>
                    <Badge size="sm" variant="light" color={statusColor(f)}>
                      {f.last_error ? "error" : (f.last_status ?? "never")}
                    </Badge>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" fw={600}>
                    {f.name}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace" truncate maw={320}>
                    {f.url}
                  </Text>
                </Table.Td>
                <Table.Td>{f.format === "plain" ? "plain" : "CrowdSec JSON"}</Table.Td>
                <Table.Td ta="right" className="num">
                  {formatCount(f.entries)}
                </Table.Td>
                <Table.Td>
                  {f.countries
                    .slice(0, 5)
                    .map((c) => `${flagOf(c.key)} ${c.key || "??"} ${formatCount(c.count)}`)
                    .join("  ·  ") || "—"}
                </Table.Td>
                <Table.Td className="num">{f.last_refresh ? formatTime(f.last_refresh) : "never"}</Table.Td>
                <Table.Td>{f.refresh_minutes} min</Table.Td>
                <Table.Td>{f.sync_to_xgs ? "yes" : "—"}</Table.Td>
                <Table.Td ta="right">
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {canAct && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={refreshNow.isPending && refreshNow.variables === f.id}
                        onClick={() => refreshNow.mutate(f.id)}
                      >
                        Refresh now
                      </Button>
                    )}
                    {isAdmin && (
                      <>
                        <Button size="compact-xs" variant="default" onClick={() => setForm({ feed: f })}>
                          Edit
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          onClick={() => {
                            if (window.confirm(`Unsubscribe from ${f.name}?`)) remove.mutate(f.id);
                          }}
                        >
                          Delete
                        </Button>
                      </>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {isAdmin && <FeedForm opened={form !== null} feed={form?.feed ?? null} onClose={() => setForm(null)} />}
    </Stack>
  );
}
