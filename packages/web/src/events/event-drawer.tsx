import {
  Anchor,
  Badge,
  Code,
  Drawer,
  Group,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { Link } from "react-router";
import { ApiError } from "../api/problem.js";
import { useEventDetail } from "../api/queries.js";
import type { ApiEvent, ApiModSecRow } from "../api/types.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { CopyTextButton } from "../components/copy-button.js";
import { ErrorNote, Loading } from "../components/query-state.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { formatTime } from "../format.js";
import { IpActions } from "../threats/ip-actions.js";
import { IpLink } from "../threats/ip-link.js";
import { eventFieldGroups } from "./event-fields.js";
import { TriageControls } from "./triage-controls.js";

interface EventDrawerProps {
  eventId: string | null;
  /** What the caller already has (a live feed row): shown at once while the full detail loads. */
  initial?: ApiEvent | null;
  onClose: () => void;
}

function ModSecTable({ rows }: { rows: ApiModSecRow[] }) {
  return (
    <Table striped withTableBorder data-testid="modsec-rules">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Rule</Table.Th>
          <Table.Th>Severity</Table.Th>
          <Table.Th>Attack</Table.Th>
          <Table.Th>Message</Table.Th>
          <Table.Th ta="right">Score</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td ff="monospace">
              {r.rule_id}
              {r.is_blocking && (
                <Badge ml={6} size="xs" color="red">
                  blocking
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{r.rule_severity}</Table.Td>
            <Table.Td>{r.attack_type}</Table.Td>
            <Table.Td>
              <Text size="sm">{r.rule_msg}</Text>
              {r.rule_data && (
                <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: "break-all" }}>
                  {r.rule_data}
                </Text>
              )}
            </Table.Td>
            <Table.Td ta="right" className="num">
              {r.anomaly_score || ""}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function EventDrawer({ eventId, initial, onClose }: EventDrawerProps) {
  const detail = useEventDetail(eventId);
  const event = detail.data?.event ?? (initial?.event_id === eventId ? initial : null);
  const modsec = detail.data?.modsec ?? [];
  // A live event may not have reached the store yet: show what the feed carried instead of failing.
  const notStoredYet = detail.error instanceof ApiError && detail.error.status === 404 && event !== null;

  return (
    <Drawer
      opened={eventId !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={<Title order={4}>Event detail</Title>}
      scrollAreaComponent={ScrollArea.Autosize}
    >
      <Stack gap="md" data-testid="event-drawer">
        {!event && detail.isPending && <Loading />}
        {detail.error && !notStoredYet && (
          <ErrorNote error={detail.error} onRetry={() => void detail.refetch()} />
        )}
        {notStoredYet && (
          <Text size="sm" c="yellow">
            This event is still on its way to the store; the details below come from the live feed.
          </Text>
        )}
        {event && (
          <>
            <Group gap="sm">
              <SeverityBadge severity={event.severity} />
              <Text fw={600}>{event.log_type}</Text>
              <Text c="dimmed" size="sm">
                {formatTime(event.timestamp)}
              </Text>
            </Group>
            {event.message && <Text>{event.message}</Text>}
            {event.src_ip && (
              <Group gap="xs" align="center" data-testid="event-ip-actions">
                <Text size="xs" c="dimmed">
                  Source {event.src_ip}:
                </Text>
                <IpActions ip={event.src_ip} site={event.site} />
              </Group>
            )}
            {/* Triage needs the stored event: one still on its way from the live feed cannot be triaged yet. */}
            {detail.data && <TriageControls event={detail.data.event} />}
            {eventFieldGroups(event).map((group) => (
              <Stack key={group.title} gap={4}>
                <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
                  {group.title}
                </Text>
                <Table withRowBorders={false} verticalSpacing={2}>
                  <Table.Tbody>
                    {group.rows.map((r) => (
                      <Table.Tr key={r.label}>
                        <Table.Td w={150} c="dimmed" style={{ verticalAlign: "top" }}>
                          {r.label}
                        </Table.Td>
                        <Table.Td style={{ wordBreak: "break-word" }}>
                          {r.filter?.key === "src_ip" || r.filter?.key === "dst_ip" ? (
                            <IpLink ip={r.value} filter={r.filter.key} onNavigate={onClose} />
                          ) : r.filter ? (
                            <Tooltip label="Show events with this value">
                              <Anchor
                                component={Link}
                                to={`/events?${new URLSearchParams({ [r.filter.key]: r.filter.value }).toString()}`}
                                onClick={onClose}
                              >
                                {r.value}
                              </Anchor>
                            </Tooltip>
                          ) : (
                            r.value
                          )}
                          {(r.filter?.key === "src_ip" || r.filter?.key === "dst_ip") && (
                            <BannedBadge ip={r.value} />
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Stack>
            ))}
            {modsec.length > 0 && (
              <Stack gap={4}>
                <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
                  ModSecurity rules ({modsec.length})
                </Text>
                <ModSecTable rows={modsec} />
              </Stack>
            )}
            <Stack gap={4}>
              <Group justify="space-between">
                <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
                  Raw log
                </Text>
                <CopyTextButton value={event.raw_log} data-testid="copy-raw" />
              </Group>
              <Code
                block
                data-testid="raw-log"
                style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", maxHeight: 320, overflow: "auto" }}
              >
                {event.raw_log || "(empty)"}
              </Code>
            </Stack>
          </>
        )}
      </Stack>
    </Drawer>
  );
}
