import { Badge, Button, Group, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { WhitelistEntry, WhitelistType } from "../api/response-types.js";
import { useApi, useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { TYPE_HELP, WhitelistForm } from "./whitelist-form.js";

const TYPE_COLOR: Record<WhitelistType, string> = { hard: "teal", soft: "blue", monitor: "gray" };

export function WhitelistPage() {
  usePageTitle("Whitelist");
  const api = useApi();
  const { user } = useAuth();
  const canAct = roleAtLeast(user?.role, "analyst");
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const list = useQuery({
    queryKey: ["whitelist"],
    queryFn: ({ signal }) => api.get<{ items: WhitelistEntry[] }>("/api/v1/whitelist", undefined, signal),
    select: (d) => d.items,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/whitelist/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["whitelist"] }),
  });

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>Whitelist</Title>
        {canAct && (
          <Button size="xs" onClick={() => setAdding(true)} data-testid="whitelist-add">
            Add an entry
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Addresses and ranges the ban policy treats specially. Hard: never banned. Soft: scored lower, or alert
        only. Monitor: logged only.
      </Text>
      {remove.error && <ErrorNote title="Could not delete" error={remove.error} />}
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorNote error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>No whitelist entries. Add your offices, partners and monitoring probes.</Empty>
      ) : (
        <Table striped highlightOnHover fz="xs" verticalSpacing={4} data-testid="whitelist-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>IP / range</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th ta="right">Score −%</Table.Th>
              <Table.Th>Alert only</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Tags</Table.Th>
              {canAct && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((w) => (
              <Table.Tr key={w.id} data-testid="whitelist-row" data-ip={w.ip} opacity={w.is_active ? 1 : 0.5}>
                <Table.Td ff="monospace">{w.ip}</Table.Td>
                <Table.Td>
                  <Tooltip label={TYPE_HELP[w.type]} multiline w={280}>
                    <Badge size="sm" variant="light" color={TYPE_COLOR[w.type]}>
                      {w.type}
                    </Badge>
                  </Tooltip>
                </Table.Td>
                <Table.Td title={w.description}>{w.reason}</Table.Td>
                <Table.Td ta="right" className="num">
                  {w.type === "soft" ? w.score_modifier : "—"}
                </Table.Td>
                <Table.Td>{w.type === "soft" && w.alert_only ? "yes" : "—"}</Table.Td>
                <Table.Td className="num">
                  {w.expires_at ? formatTime(w.expires_at) : "never"}
                  {!w.is_active && " (inactive)"}
                </Table.Td>
                <Table.Td>
                  <Group gap={2}>
                    {w.tags.map((t) => (
                      <Badge key={t} size="xs" variant="outline" color="gray">
                        {t}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                {canAct && (
                  <Table.Td ta="right">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      loading={remove.isPending && remove.variables === w.id}
                      onClick={() => {
                        if (window.confirm(`Remove ${w.ip} from the whitelist?`)) remove.mutate(w.id);
                      }}
                      data-testid="whitelist-delete"
                    >
                      Delete
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canAct && <WhitelistForm opened={adding} onClose={() => setAdding(false)} />}
    </Stack>
  );
}
