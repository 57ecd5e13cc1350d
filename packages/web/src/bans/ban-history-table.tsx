import { Table, Text } from "@mantine/core";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { MoreNote, StatusBadge } from "./active-bans.js";
import { useBans } from "./ban-queries.js";
import { CountryCell } from "./country-cell.js";

/** Bans that ended (expired or lifted), newest first as the server sorts them. */
export function BanHistoryTable({ q, onOpen }: { q: string; onOpen: (ip: string) => void }) {
  const bans = useBans("expired", q);
  if (bans.isPending) return <Loading />;
  if (bans.error) return <ErrorNote error={bans.error} onRetry={() => void bans.refetch()} />;
  if (bans.data.items.length === 0) return <Empty>No past bans yet.</Empty>;
  return (
    <>
      <Table highlightOnHover striped fz="xs" verticalSpacing={4} data-testid="bans-history-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>IP</Table.Th>
            <Table.Th>Country</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Bans</Table.Th>
            <Table.Th>Last ban</Table.Th>
            <Table.Th>Ended</Table.Th>
            <Table.Th>Immune until</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>By</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {bans.data.items.map((b) => (
            <Table.Tr
              key={b.ip}
              data-testid="bans-history-row"
              data-ip={b.ip}
              style={{ cursor: "pointer" }}
              onClick={() => onOpen(b.ip)}
            >
              <Table.Td ff="monospace">
                <IpLink ip={b.ip} />
              </Table.Td>
              <Table.Td>
                <CountryCell code={b.country} />
              </Table.Td>
              <Table.Td>
                <StatusBadge ban={b} />
              </Table.Td>
              <Table.Td ta="right" className="num">
                {b.ban_count}
              </Table.Td>
              <Table.Td className="num">{formatTime(b.last_ban)}</Table.Td>
              <Table.Td className="num">{b.expires_at ? formatTime(b.expires_at) : "—"}</Table.Td>
              <Table.Td className="num">
                {b.immune_until ? (
                  formatTime(b.immune_until)
                ) : (
                  <Text span c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{b.reason}</Table.Td>
              <Table.Td>{b.created_by}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {bans.data.next_cursor !== null && <MoreNote />}
    </>
  );
}
