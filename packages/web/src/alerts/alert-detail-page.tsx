import { Anchor, Badge, Code, Grid, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import type { ApiEvent } from "../api/types.js";
import { useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { looksLikeIp } from "../bans/ban-format.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { EventDrawer } from "../events/event-drawer.js";
import { EventsTable } from "../events/events-table.js";
import { formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { IpActions } from "../threats/ip-actions.js";
import { IpLink } from "../threats/ip-link.js";
import { AlertActions } from "./alert-actions.js";
import { alertExplorer } from "./alert-links.js";
import { useAlertDetail, useAlertLiveRefresh } from "./alert-queries.js";
import { AlertStateBadge } from "./alert-state-badge.js";
import { AlertTimeline, CommentBox } from "./alert-timeline.js";
import type { AlertDetail } from "./alert-types.js";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td w={150} c="dimmed" style={{ verticalAlign: "top" }}>
        {label}
      </Table.Td>
      <Table.Td style={{ wordBreak: "break-word" }}>{children}</Table.Td>
    </Table.Tr>
  );
}

const by = (who: string | null, at: string | null) => (at ? `${who ?? "?"} · ${formatTime(at)}` : "—");

function Facts({ alert }: { alert: AlertDetail }) {
  const details = Object.keys(alert.details ?? {}).length > 0 ? alert.details : null;
  return (
    <Table withRowBorders={false} verticalSpacing={2} fz="sm" data-testid="alert-facts">
      <Table.Tbody>
        <Fact label="Rule">
          {alert.rule_name}{" "}
          <Badge size="xs" variant="outline" color="gray">
            {alert.source.replace("_", " ")}
          </Badge>
        </Fact>
        <Fact label="Site">{alert.site || "—"}</Fact>
        {alert.group_by && (
          <Fact label="Group">
            <Text span c="dimmed" size="sm">
              {alert.group_by} ={" "}
            </Text>
            <Text span ff="monospace">
              {looksLikeIp(alert.group_value) ? <IpLink ip={alert.group_value} filter /> : alert.group_value}
            </Text>
            <BannedBadge ip={alert.group_value} />
          </Fact>
        )}
        <Fact label="Count">
          {formatCount(alert.count)}
          {alert.threshold > 0 && ` (threshold ${formatCount(alert.threshold)})`}
          {alert.repeat_count > 0 && ` · fired ${alert.repeat_count + 1} times`}
        </Fact>
        <Fact label="First / last seen">
          {formatTime(alert.first_seen)} → {formatTime(alert.last_seen)}
        </Fact>
        <Fact label="Raised">{formatTime(alert.created_at)}</Fact>
        <Fact label="Assignee">
          <span data-testid="alert-assignee">{alert.assigned_to ?? "—"}</span>
        </Fact>
        {alert.escalated_to && <Fact label="Escalated to">{by(alert.escalated_to, alert.escalated_at)}</Fact>}
        <Fact label="Acknowledged">{by(alert.acknowledged_by, alert.acknowledged_at)}</Fact>
        {alert.resolved_at && <Fact label="Closed">{by(alert.resolved_by, alert.resolved_at)}</Fact>}
        {alert.suppressed_notifications > 0 && (
          <Fact label="Held back">
            {alert.suppressed_notifications} notification(s) held back by rate limits
          </Fact>
        )}
        {details && (
          <Fact label="Details">
            <Code block style={{ whiteSpace: "pre-wrap", maxHeight: 200, overflow: "auto" }}>
              {JSON.stringify(details, null, 2)}
            </Code>
          </Fact>
        )}
      </Table.Tbody>
    </Table>
  );
}

/** One alert at its own URL (/alerts/:id), which notifications link to. */
export function AlertDetailPage() {
  const { id = "" } = useParams();
  const { user } = useAuth();
  const canAct = roleAtLeast(user?.role, "analyst");
  const detail = useAlertDetail(id);
  usePageTitle(detail.data ? `Alert ${detail.data.title}` : "Alert");
  useAlertLiveRefresh();
  const [event, setEvent] = useState<ApiEvent | null>(null);

  if (detail.isPending) return <Loading h={240} />;
  if (detail.error) return <ErrorNote error={detail.error} onRetry={() => void detail.refetch()} />;
  const alert = detail.data;
  // The server sends the triggering events as the events API shapes them.
  const events = alert.events as unknown as ApiEvent[];
  const explorer = alertExplorer(alert);

  return (
    <Stack gap="sm" data-testid="alert-detail" data-alert-id={alert.id}>
      <Group gap="xs">
        <Anchor component={Link} to="/alerts" size="sm">
          ← Alerts
        </Anchor>
      </Group>
      {/* Badges first, then the title, which wraps under them on a phone instead of being squeezed. */}
      <Group gap="sm" align="center">
        <Group gap={6} wrap="nowrap">
          <SeverityBadge severity={alert.severity} />
          <AlertStateBadge state={alert.state} />
        </Group>
        <Title order={3} style={{ flex: "1 1 16rem" }} data-testid="alert-title">
          {alert.title}
        </Title>
      </Group>
      {canAct && <AlertActions alert={alert} />}
      {looksLikeIp(alert.group_value) && (
        <Group gap="xs" align="center" data-testid="alert-ip-actions">
          <Text size="xs" c="dimmed">
            {alert.group_value}:
          </Text>
          <IpActions ip={alert.group_value} site={alert.site || undefined} />
        </Group>
      )}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper p="sm" withBorder>
            <Facts alert={alert} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper p="sm" withBorder>
            <Stack gap="sm">
              <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
                Timeline
              </Text>
              <AlertTimeline history={alert.history} />
              {canAct && <CommentBox alertId={alert.id} />}
            </Stack>
          </Paper>
        </Grid.Col>
      </Grid>
      <Group justify="space-between">
        <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
          Triggering events ({events.length}
          {alert.count > events.length ? ` of ${formatCount(alert.count)}` : ""})
        </Text>
        <Anchor component={Link} to={explorer.href} size="sm" data-testid="alert-explorer-link">
          Open in the explorer
        </Anchor>
      </Group>
      {explorer.unapplied.length > 0 && (
        <Text size="xs" c="dimmed" data-testid="alert-explorer-unapplied">
          The explorer cannot filter on {explorer.unapplied.join("; ")}: it lists these events among others.
        </Text>
      )}
      {events.length === 0 ? (
        <Empty h={80}>
          No stored events for this alert (they may have aged out, or it came from Vigil itself).
        </Empty>
      ) : (
        <EventsTable events={events} onOpen={setEvent} />
      )}
      <EventDrawer eventId={event?.event_id ?? null} initial={event} onClose={() => setEvent(null)} />
    </Stack>
  );
}
