import { Badge, Button, Group, Modal, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import { useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { ClientTag } from "../components/client-tag.js";
import { EmptyTableRow } from "../components/empty-row.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { ChannelEditor, type ChannelTarget } from "./channel-editor.js";
import { useChannelActions, useChannels, useDeliveries } from "./channel-queries.js";
import type { ChannelView } from "./channel-types.js";

type TestOutcome = { ok: boolean; text: string };

function LastDelivery({ channel }: { channel: ChannelView }) {
  const last = channel.last_delivery;
  if (!last)
    return (
      <Text span c="dimmed" size="xs">
        never
      </Text>
    );
  return (
    <Tooltip label={last.error ?? "Delivered"} disabled={!last.error} multiline maw={400}>
      <Group gap={4} wrap="nowrap" style={{ whiteSpace: "nowrap" }}>
        <Badge size="xs" color={last.ok ? "teal" : "red"} variant="light" style={{ overflow: "visible" }}>
          {last.ok ? "ok" : "failed"}
        </Badge>
        <Text span size="xs" className="num">
          {formatTime(last.at)}
        </Text>
      </Group>
    </Tooltip>
  );
}

export function ChannelsPage() {
  usePageTitle("Channels");
  const { user } = useAuth();
  // Supervisors manage their scope's channels (the server's rule).
  const isAdmin = roleAtLeast(user?.role, "supervisor");
  const canTest = roleAtLeast(user?.role, "analyst");
  const channels = useChannels();
  const { test } = useChannelActions();
  const [editing, setEditing] = useState<ChannelTarget | null>(null);
  const [history, setHistory] = useState<ChannelView | null>(null);
  const [results, setResults] = useState<Record<string, TestOutcome>>({});

  const sendTest = (id: string) =>
    test.mutate(id, {
      onSuccess: (r) =>
        setResults((all) => ({
          ...all,
          [id]: {
            ok: r.ok,
            text: r.ok ? `Sent (${r.attempts} attempt${r.attempts === 1 ? "" : "s"})` : (r.error ?? "Failed"),
          },
        })),
      onError: (error) => setResults((all) => ({ ...all, [id]: { ok: false, text: errorMessage(error) } })),
    });

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>Notification channels</Title>
        {isAdmin && (
          <Button size="xs" onClick={() => setEditing({ channel: null })} data-testid="channel-new">
            New channel
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Where alerts are sent: email over SMTP, Slack, or a signed webhook. Secrets are stored sealed and
        never shown again. Each channel is rate-limited; what it holds back is counted here.
      </Text>
      {channels.isPending ? (
        <Loading />
      ) : channels.error ? (
        <ErrorNote error={channels.error} onRetry={() => void channels.refetch()} />
      ) : (
        <Table striped highlightOnHover fz="xs" verticalSpacing={4} data-testid="channels-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Destination</Table.Th>
              <Table.Th>Default for</Table.Th>
              <Table.Th>Last delivery</Table.Th>
              <Table.Th ta="right">Failures 24 h</Table.Th>
              <Table.Th ta="right">Suppressed</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {channels.data.length === 0 && (
              <EmptyTableRow colSpan={8}>
                No channels yet. Add one, then pick it in an alert rule.
              </EmptyTableRow>
            )}
            {channels.data.map((c) => (
              <Table.Tr
                key={c.id}
                data-testid="channel-row"
                data-channel-id={c.id}
                data-name={c.name}
                className={isAdmin ? "clickable-row" : undefined}
                onClick={() => isAdmin && setEditing({ channel: c })}
                opacity={c.enabled ? 1 : 0.55}
              >
                <Table.Td fw={600} style={{ whiteSpace: "nowrap" }}>
                  {c.name} <ClientTag client={c.client} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <Badge size="xs" variant="outline" style={{ overflow: "visible" }}>
                    {c.type}
                  </Badge>
                </Table.Td>
                <Table.Td className="truncate" maw={260}>
                  {destination(c)}
                </Table.Td>
                <Table.Td>
                  {c.min_severity ? (
                    <Group gap={4} wrap="nowrap">
                      <SeverityBadge severity={c.min_severity} />
                      <Text span size="xs" c="dimmed">
                        and above
                      </Text>
                    </Group>
                  ) : (
                    <Text span size="xs" c="dimmed">
                      rules only
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <LastDelivery channel={c} />
                </Table.Td>
                <Table.Td ta="right" className="num" c={c.failures_24h > 0 ? "red.4" : undefined}>
                  {formatCount(c.failures_24h)}
                </Table.Td>
                <Table.Td ta="right" className="num" c={c.suppressed > 0 ? "yellow.4" : undefined}>
                  {formatCount(c.suppressed)}
                </Table.Td>
                <Table.Td ta="right" onClick={(e) => e.stopPropagation()}>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {results[c.id] && (
                      <Tooltip label={results[c.id]?.text} multiline maw={400}>
                        <Badge
                          size="sm"
                          variant="light"
                          color={results[c.id]?.ok ? "teal" : "red"}
                          data-testid="channel-test-result"
                          data-ok={String(results[c.id]?.ok)}
                        >
                          {results[c.id]?.ok ? "test sent" : "test failed"}
                        </Badge>
                      </Tooltip>
                    )}
                    {canTest && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={test.isPending && test.variables === c.id}
                        onClick={() => sendTest(c.id)}
                        data-testid="channel-test"
                      >
                        Send test
                      </Button>
                    )}
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => setHistory(c)}
                      data-testid="channel-deliveries"
                    >
                      Deliveries
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ChannelEditor target={editing} onClose={() => setEditing(null)} />
      <DeliveriesModal channel={history} onClose={() => setHistory(null)} />
    </Stack>
  );
}

function destination(c: ChannelView): string {
  const cfg = c.config;
  if (c.type === "email") {
    const to = Array.isArray(cfg.to) ? cfg.to.join(", ") : "";
    return `${to} via ${typeof cfg.host === "string" ? cfg.host : "?"}`;
  }
  if (c.type === "webhook" && typeof cfg.url === "string") return cfg.url;
  return c.secrets_set.includes("url") ? "Slack webhook (set)" : "—";
}

function DeliveriesModal({ channel, onClose }: { channel: ChannelView | null; onClose: () => void }) {
  const deliveries = useDeliveries(channel?.id ?? null);
  return (
    <Modal
      opened={channel !== null}
      onClose={onClose}
      title={`Deliveries · ${channel?.name ?? ""}`}
      size="lg"
    >
      {deliveries.isPending ? (
        <Loading />
      ) : deliveries.error ? (
        <ErrorNote error={deliveries.error} />
      ) : deliveries.data.length === 0 ? (
        <Empty>Nothing sent on this channel yet.</Empty>
      ) : (
        <Table fz="xs" striped verticalSpacing={2} data-testid="channel-deliveries-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th ta="right">Attempts</Table.Th>
              <Table.Th>Error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {deliveries.data.map((d) => (
              <Table.Tr key={`${d.at}:${d.alert_id ?? "test"}:${d.attempts}:${d.ok}`}>
                <Table.Td className="num">{formatTime(d.at)}</Table.Td>
                <Table.Td>
                  <Badge size="xs" color={d.ok ? "teal" : "red"} variant="light">
                    {d.ok ? "ok" : "failed"}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right" className="num">
                  {d.attempts}
                </Table.Td>
                <Table.Td style={{ wordBreak: "break-word" }}>{d.error ?? ""}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Modal>
  );
}
