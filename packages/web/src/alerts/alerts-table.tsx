import { ScrollArea, Table, Text, Tooltip } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { looksLikeIp } from "../bans/ban-format.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { useNow } from "../bans/use-now.js";
import { EmptyTableRow } from "../components/empty-row.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { formatCount, formatTime } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { formatAge } from "./alert-format.js";
import { AlertRow } from "./alert-row.js";
import { AlertStateBadge } from "./alert-state-badge.js";
import type { Alert } from "./alert-types.js";
import { CompactAlertsTable } from "./alerts-table-compact.js";

/** The Alerts list; a row opens the alert's own page (/alerts/:id), the URL notifications link to. */
export function AlertsTable({ alerts, empty }: { alerts: Alert[]; empty: string }) {
  const now = useNow(10_000);
  // Below Mantine's sm breakpoint (a phone): the three-column layout.
  const phone = useMediaQuery("(max-width: 47.99em)") === true;
  if (phone) return <CompactAlertsTable alerts={alerts} empty={empty} />;
  return (
    <ScrollArea type="auto" offsetScrollbars="x">
      <Table
        highlightOnHover
        striped
        stickyHeader
        fz="xs"
        verticalSpacing={4}
        miw={1080}
        style={{ tableLayout: "fixed" }}
        data-testid="alerts-table"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={84}>Severity</Table.Th>
            <Table.Th>Title</Table.Th>
            <Table.Th w={170}>Rule</Table.Th>
            <Table.Th w={150}>Group value</Table.Th>
            <Table.Th w={70} ta="right">
              Count
            </Table.Th>
            <Table.Th w={100}>Site</Table.Th>
            <Table.Th w={110}>State</Table.Th>
            <Table.Th w={100}>Assignee</Table.Th>
            <Table.Th w={70}>Age</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {alerts.length === 0 && <EmptyTableRow colSpan={9}>{empty}</EmptyTableRow>}
          {alerts.map((a) => (
            <AlertRow key={a.id} alert={a}>
              <Table.Td>
                <SeverityBadge severity={a.severity} />
              </Table.Td>
              <Table.Td className="truncate" title={a.title}>
                <Text span size="xs" fw={a.state === "new" ? 700 : 400}>
                  {a.title}
                </Text>
                {a.repeat_count > 0 && (
                  <Text span size="xs" c="dimmed">
                    {" "}
                    ×{a.repeat_count + 1}
                  </Text>
                )}
              </Table.Td>
              <Table.Td className="truncate" title={a.rule_name}>
                {a.rule_name}
              </Table.Td>
              <Table.Td
                ff="monospace"
                className="truncate"
                title={a.group_by ? `${a.group_by} = ${a.group_value}` : undefined}
              >
                {looksLikeIp(a.group_value) ? <IpLink ip={a.group_value} /> : a.group_value}
                <BannedBadge ip={a.group_value} />
              </Table.Td>
              <Table.Td ta="right" className="num">
                {formatCount(a.count)}
              </Table.Td>
              <Table.Td className="truncate">{a.site}</Table.Td>
              <Table.Td>
                <AlertStateBadge state={a.state} />
              </Table.Td>
              <Table.Td className="truncate">
                {a.assigned_to ?? (
                  <Text span c="dimmed" size="xs">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td className="num">
                <Tooltip label={formatTime(a.created_at)}>
                  <span>{formatAge(a.created_at, now)}</span>
                </Tooltip>
              </Table.Td>
            </AlertRow>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
