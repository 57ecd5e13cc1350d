import { Badge, Button, Group, Table, Text, Tooltip } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { EnforcementTarget, TargetStatus } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { sitesLabel } from "../components/site-options.js";
import { formatCount, formatTime } from "../format.js";
import { useLiveRefresh } from "../live/use-live-refresh.js";
import { TargetForm } from "./target-form.js";

const STATE_COLOR: Record<TargetStatus["state"], string> = { ok: "teal", failing: "red", never: "gray" };

/** Firewalls and webhooks bans are pushed to, with their sync state updated live. */
export function TargetsTable({ isAdmin, canAct }: { isAdmin: boolean; canAct: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  useLiveRefresh(["enforcement_status"], [["enforcement", "targets"]]);
  const targets = useQuery({
    queryKey: ["enforcement", "targets"],
    queryFn: ({ signal }) =>
      api.get<{ items: EnforcementTarget[] }>("/api/v1/enforcement/targets", undefined, signal),
    select: (d) => d.items,
    refetchInterval: 30_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["enforcement", "targets"] });
  const sync = useMutation({
    mutationFn: (id: string) => api.post(`/api/v1/enforcement/targets/${encodeURIComponent(id)}/sync`),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/enforcement/targets/${encodeURIComponent(id)}`),
    onSuccess: refresh,
  });
  const [form, setForm] = useState<{ target: EnforcementTarget | null } | null>(null);

  return (
    <>
      <Group justify="space-between">
        <Text fw={600}>Targets</Text>
        {isAdmin && (
          <Button size="xs" onClick={() => setForm({ target: null })} data-testid="target-add">
            Add a target
          </Button>
        )}
      </Group>
      {(sync.error || remove.error) && <ErrorNote title="Action failed" error={sync.error ?? remove.error} />}
      {targets.isPending ? (
        <Loading />
      ) : targets.error ? (
        <ErrorNote error={targets.error} onRetry={() => void targets.refetch()} />
      ) : targets.data.length === 0 ? (
        <Empty>No targets. Add a Sophos XGS so bans reach the firewall, or a webhook.</Empty>
      ) : (
        <Table striped fz="xs" verticalSpacing={4} data-testid="targets-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>URL</Table.Th>
              <Table.Th>Sites</Table.Th>
              <Table.Th>Last sync</Table.Th>
              <Table.Th ta="right">In sync</Table.Th>
              <Table.Th ta="right">Pending</Table.Th>
              <Table.Th>Last error</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {targets.data.map((t) => (
              <Table.Tr key={t.id} data-testid="target-row" opacity={t.enabled ? 1 : 0.55}>
                <Table.Td>
                  <Badge size="sm" variant="light" color={STATE_COLOR[t.status.state] ?? "gray"}>
                    {t.enabled ? t.status.state : "disabled"}
                  </Badge>
                </Table.Td>
                <Table.Td fw={600}>{t.name}</Table.Td>
                <Table.Td>{t.type === "sophos_xgs" ? "Sophos XGS" : "Webhook"}</Table.Td>
                <Table.Td ff="monospace">{typeof t.config.url === "string" ? t.config.url : ""}</Table.Td>
                <Table.Td data-testid="target-sites-cell">{sitesLabel(t.sites, "All sites")}</Table.Td>
                <Table.Td className="num">
                  {t.status.last_sync ? formatTime(t.status.last_sync) : "never"}
                </Table.Td>
                <Table.Td ta="right" className="num">
                  {formatCount(t.status.in_sync)}
                </Table.Td>
                <Table.Td ta="right" className="num" c={t.status.pending > 0 ? "yellow.4" : undefined}>
                  {formatCount(t.status.pending)}
                </Table.Td>
                <Table.Td maw={280}>
                  {t.status.last_error ? (
                    <Tooltip label={t.status.last_error} multiline w={360}>
                      <Text size="xs" c="red.4" truncate>
                        {t.status.last_error}
                      </Text>
                    </Tooltip>
                  ) : (
                    <Text c="dimmed" size="xs">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {canAct && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={sync.isPending && sync.variables === t.id}
                        onClick={() => sync.mutate(t.id)}
                      >
                        Sync now
                      </Button>
                    )}
                    {isAdmin && (
                      <>
                        <Button size="compact-xs" variant="default" onClick={() => setForm({ target: t })}>
                          Edit
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          onClick={() => {
                            if (window.confirm(`Delete target ${t.name}? Bans stay in Vigil.`))
                              remove.mutate(t.id);
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
      {isAdmin && (
        <TargetForm opened={form !== null} target={form?.target ?? null} onClose={() => setForm(null)} />
      )}
    </>
  );
}
