import { Group, Stack, Table, Text } from "@mantine/core";
import { looksLikeIp } from "../bans/ban-format.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { useNow } from "../bans/use-now.js";
import { EmptyTableRow } from "../components/empty-row.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { formatTime } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { formatAge } from "./alert-format.js";
import { AlertRow } from "./alert-row.js";
import { AlertStateBadge } from "./alert-state-badge.js";
import type { Alert } from "./alert-types.js";

/**
 * The Alerts list on a phone: three columns that fit 390 px instead of nine that scroll sideways.
 * Severity and state stack in the first, the title wraps in full with the group value and site under
 * it, and the age closes the row; the rule, count and assignee are on the alert's own page.
 */
export function CompactAlertsTable({ alerts, empty }: { alerts: Alert[]; empty: string }) {
  const now = useNow(10_000);
  return (
    <Table
      highlightOnHover
      striped
      fz="xs"
      verticalSpacing={6}
      data-testid="alerts-table"
      data-layout="compact"
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={128}>Severity</Table.Th>
          <Table.Th>Alert</Table.Th>
          <Table.Th w={52}>Age</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {alerts.length === 0 && <EmptyTableRow colSpan={3}>{empty}</EmptyTableRow>}
        {alerts.map((a) => (
          <AlertRow key={a.id} alert={a} style={{ verticalAlign: "top" }}>
            <Table.Td>
              <Stack gap={4} align="flex-start">
                <SeverityBadge severity={a.severity} />
                {/* xs: "INVESTIGATING" fits the column whole. */}
                <AlertStateBadge state={a.state} size="xs" />
              </Stack>
            </Table.Td>
            <Table.Td style={{ wordBreak: "break-word" }}>
              <Text size="sm" fw={a.state === "new" ? 700 : 400} lh={1.3}>
                {a.title}
                {a.repeat_count > 0 && (
                  <Text span size="xs" c="dimmed">
                    {" "}
                    ×{a.repeat_count + 1}
                  </Text>
                )}
              </Text>
              {(a.group_value || a.site) && (
                <Group gap={6} mt={2}>
                  {a.group_value && (
                    <Text span size="xs" c="dimmed" ff="monospace">
                      {looksLikeIp(a.group_value) ? <IpLink ip={a.group_value} /> : a.group_value}
                      <BannedBadge ip={a.group_value} />
                    </Text>
                  )}
                  {a.site && (
                    <Text span size="xs" c="dimmed">
                      {a.site}
                    </Text>
                  )}
                </Group>
              )}
            </Table.Td>
            <Table.Td className="num" title={formatTime(a.created_at)}>
              {formatAge(a.created_at, now)}
            </Table.Td>
          </AlertRow>
        ))}
      </Table.Tbody>
    </Table>
  );
}
