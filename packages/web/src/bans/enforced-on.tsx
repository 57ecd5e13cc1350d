import { Badge, Group, Stack, Table, Text } from "@mantine/core";
import { ErrorNote, Loading } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { enforcementLines, SYNC_COLOR } from "./ban-enforcement.js";
import { useBanEnforcement } from "./ban-queries.js";

/** "Enforced on": each target's sync state for this IP and each bouncer's last pull since the ban changed. */
export function EnforcedOn({ ip }: { ip: string }) {
  const query = useBanEnforcement(ip);
  if (query.isPending) return <Loading />;
  if (query.error) return <ErrorNote compact error={query.error} onRetry={() => void query.refetch()} />;
  const lines = enforcementLines(query.data);
  return (
    <Stack gap={4} data-testid="enforced-on">
      <Group gap="xs">
        <Text fw={600} size="sm">
          Enforced on
        </Text>
        <Text size="xs" c="dimmed">
          ban last changed {formatTime(query.data.changed_at)}
        </Text>
      </Group>
      {lines.length === 0 ? (
        <Text size="sm" c="orange.4" data-testid="enforced-on-nothing">
          Nothing: no enforcement target and no bouncer exists, so this ban is recorded only.
        </Text>
      ) : (
        <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
          <Table.Tbody>
            {lines.map((l) => (
              <Table.Tr key={l.key} data-testid="enforced-on-row">
                <Table.Td w={160} className="truncate">
                  {l.name}
                </Table.Td>
                <Table.Td w={90} c="dimmed">
                  {l.kind}
                </Table.Td>
                <Table.Td w={80}>
                  <Badge size="xs" color={SYNC_COLOR[l.state]} variant="light">
                    {l.state}
                  </Badge>
                </Table.Td>
                <Table.Td c="dimmed">{l.note}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
