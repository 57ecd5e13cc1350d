import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useSystemStatus } from "../api/queries.js";
import type { StoreHealth, SystemStatus } from "../api/types.js";
import { ErrorNote, Loading } from "../components/query-state.js";
import { formatCount } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";

function OkBadge({ ok }: { ok: boolean }) {
  return (
    <Badge color={ok ? "green" : "red"} variant={ok ? "light" : "filled"} size="sm">
      {ok ? "ok" : "down"}
    </Badge>
  );
}

function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor(seconds % 60)}s`;
}

function Figure({ label, value, color }: { label: string; value: string; color?: string }) {
  return (
    <Card py="xs">
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      <Text fz={26} fw={700} className="num" c={color}>
        {value}
      </Text>
    </Card>
  );
}

function StoreRow({ name, store }: { name: string; store: StoreHealth }) {
  return (
    <Group justify="space-between">
      <Text size="sm">
        {name}{" "}
        <Text span c="dimmed" size="xs">
          ({store.kind})
        </Text>
      </Text>
      <OkBadge ok={store.ok} />
    </Group>
  );
}

/**
 * Since start, every line or record received is stored, queued, refused or dead-lettered, so the figures
 * add up; lines kept raw (parse errors) are stored too, and listed apart so a bad parser shows.
 */
function IngestTotals({ ingest }: { ingest: SystemStatus["ingest"] }) {
  const accounted = ingest.stored_total + ingest.queued + ingest.rejected_total + ingest.dead_lettered;
  const gap = ingest.received_total - accounted;
  return (
    <Card py="xs" data-testid="ingest-totals">
      <Group gap="lg" wrap="wrap">
        <Text size="sm">
          Since start: <b className="num">{formatCount(ingest.received_total)}</b> received
        </Text>
        <Text size="sm">
          <b className="num">{formatCount(ingest.stored_total)}</b> stored
          {ingest.kept_raw_total > 0 && (
            <Text span c="orange.5" size="sm">
              {" "}
              ({formatCount(ingest.kept_raw_total)} kept raw)
            </Text>
          )}
        </Text>
        <Text size="sm">
          <b className="num">{formatCount(ingest.queued)}</b> queued
        </Text>
        <Text size="sm" c={ingest.rejected_total > 0 ? "orange.5" : undefined}>
          <b className="num">{formatCount(ingest.rejected_total)}</b> rejected
        </Text>
        {ingest.dropped_total > 0 && (
          <Text size="sm" c="red.5" data-testid="udp-dropped">
            <b className="num">{formatCount(ingest.dropped_total)}</b> UDP lines dropped (queue full)
          </Text>
        )}
        {gap > 0 && (
          <Text size="sm" c="dimmed">
            + {formatCount(gap)} ModSecurity rule-only lines (stored as rule rows)
          </Text>
        )}
      </Group>
    </Card>
  );
}

/** Is Vigil healthy: stores reachable, listeners up, ingest keeping pace. Refreshes every 5 s. */
export function StatusPage() {
  usePageTitle("Status");
  const status = useSystemStatus();
  if (status.isPending) return <Loading />;
  if (status.error && !status.data)
    return <ErrorNote error={status.error} onRetry={() => void status.refetch()} />;
  const s = status.data;
  if (!s) return null;
  return (
    <Stack gap="sm" data-testid="status-page">
      <Group justify="space-between">
        <Title order={3}>System status</Title>
        <Text size="sm" c="dimmed">
          Vigil {s.version} · up {formatUptime(s.uptime_s)}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        <Figure label="Received / s" value={formatCount(s.ingest.received_per_s)} />
        <Figure label="Stored / s" value={formatCount(s.ingest.stored_per_s)} />
        <Figure label="Queued" value={formatCount(s.ingest.queued)} />
        <Figure
          label="Dead-lettered"
          value={formatCount(s.ingest.dead_lettered)}
          color={s.ingest.dead_lettered > 0 ? "red.5" : undefined}
        />
      </SimpleGrid>
      <IngestTotals ingest={s.ingest} />
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
        <Card>
          <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb="xs">
            Stores
          </Text>
          <Stack gap={6}>
            <StoreRow name="Events" store={s.stores.events} />
            <StoreRow name="State" store={s.stores.state} />
          </Stack>
        </Card>
        <Card style={{ gridColumn: "span 2" }}>
          <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb="xs">
            Listeners
          </Text>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Transport</Table.Th>
                <Table.Th>Port</Table.Th>
                <Table.Th ta="right">Received</Table.Th>
                <Table.Th ta="right">Errors</Table.Th>
                <Table.Th>State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.listeners.map((l) => (
                <Table.Tr key={l.name}>
                  <Table.Td>{l.name}</Table.Td>
                  <Table.Td tt="uppercase">{l.transport}</Table.Td>
                  <Table.Td className="num">{l.port}</Table.Td>
                  <Table.Td ta="right" className="num">
                    {formatCount(l.received)}
                  </Table.Td>
                  <Table.Td ta="right" className="num" c={l.errors > 0 ? "orange.5" : undefined}>
                    {formatCount(l.errors)}
                  </Table.Td>
                  <Table.Td>
                    <OkBadge ok={l.ok} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
