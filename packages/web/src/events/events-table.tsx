import { ScrollArea, Table, Text, Tooltip } from "@mantine/core";
import type { ApiEvent } from "../api/types.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { countryName, formatEndpoint, formatTime } from "../format.js";
import { severityHex } from "../severity.js";
import { IpLink } from "../threats/ip-link.js";
import { TriageBadge } from "./triage-controls.js";

/** The explorer's dense table; fixed layout so long messages truncate instead of widening the page. */
export function EventsTable({ events, onOpen }: { events: ApiEvent[]; onOpen: (event: ApiEvent) => void }) {
  return (
    <ScrollArea type="auto" offsetScrollbars="x">
      <Table
        highlightOnHover
        stickyHeader
        striped
        miw={1290}
        style={{ tableLayout: "fixed" }}
        data-testid="events-table"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={162}>Time</Table.Th>
            <Table.Th w={110}>Site</Table.Th>
            <Table.Th w={84}>Severity</Table.Th>
            <Table.Th w={120}>Type</Table.Th>
            <Table.Th w={76}>Action</Table.Th>
            <Table.Th w={290}>Source → destination</Table.Th>
            <Table.Th w={56}>Ctry</Table.Th>
            <Table.Th w={90}>Rule</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th w={110}>Triage</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((e) => (
            <Table.Tr
              key={e.event_id}
              className="clickable-row"
              onClick={() => onOpen(e)}
              data-testid="events-row"
              data-event-id={e.event_id}
              style={{ boxShadow: `inset 3px 0 0 ${severityHex(e.severity)}` }}
            >
              <Table.Td className="num truncate">{formatTime(e.timestamp)}</Table.Td>
              <Table.Td className="truncate">{e.site}</Table.Td>
              <Table.Td>
                <SeverityBadge severity={e.severity} />
              </Table.Td>
              <Table.Td className="truncate">{e.log_type}</Table.Td>
              <Table.Td className="truncate">{e.action}</Table.Td>
              <Table.Td ff="monospace" fz="xs" className="truncate">
                {/* The address opens its IP page; the row (anywhere else) opens the event. */}
                {e.src_port && e.src_ip.includes(":") ? "[" : ""}
                <IpLink ip={e.src_ip} />
                {e.src_port ? `${e.src_ip.includes(":") ? "]" : ""}:${e.src_port}` : ""}
                <BannedBadge ip={e.src_ip} />
                {e.dst_ip ? ` → ${formatEndpoint(e.dst_ip, e.dst_port)}` : ""}
              </Table.Td>
              <Table.Td className="truncate" title={e.geo_country ? countryName(e.geo_country) : undefined}>
                {e.geo_country}
              </Table.Td>
              <Table.Td ff="monospace" fz="xs" className="truncate" title={e.rule_name || undefined}>
                {e.rule_id}
              </Table.Td>
              <Table.Td className="truncate">
                <Tooltip
                  label={e.message}
                  disabled={e.message.length < 80}
                  multiline
                  maw={600}
                  openDelay={400}
                >
                  <Text span size="sm">
                    {e.message || (
                      <Text span c="dimmed">
                        {e.raw_log}
                      </Text>
                    )}
                  </Text>
                </Tooltip>
              </Table.Td>
              <Table.Td className="truncate">
                <TriageBadge event={e} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
