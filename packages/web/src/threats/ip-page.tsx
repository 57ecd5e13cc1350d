import { Anchor, Grid, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { AlertsTable } from "../alerts/alerts-table.js";
import { useTimeline } from "../api/queries.js";
import type { ApiEvent, Page } from "../api/types.js";
import { useApi } from "../auth/auth-context.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { CountryCell } from "../bans/country-cell.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { Panel } from "../dashboard/panel.js";
import { TimelineChart } from "../dashboard/timeline-chart.js";
import { EventDrawer } from "../events/event-drawer.js";
import { EventsTable } from "../events/events-table.js";
import { EMPTY_FILTERS, type EventFilters } from "../filters/filters.js";
import { countryName, formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { IpActions } from "./ip-actions.js";
import { ipEventsPath } from "./ip-link.js";
import { CountList, IpBans, NoEvents } from "./ip-panels.js";
import { ThreatPanel } from "./threat-panel.js";
import { useIpAlerts, useIpSummary } from "./threat-queries.js";
import type { IpSummary } from "./threat-types.js";

const RANGE_MS = 30 * 24 * 3600_000;
const RECENT = 10;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td c="dimmed" w={110} style={{ verticalAlign: "top" }}>
        {label}
      </Table.Td>
      <Table.Td style={{ wordBreak: "break-word" }}>{children}</Table.Td>
    </Table.Tr>
  );
}

function Identity({ s }: { s: IpSummary }) {
  return (
    <Table fz="sm" verticalSpacing={2} withRowBorders={false} data-testid="ip-identity">
      <Table.Tbody>
        <Fact label="Country">
          {s.country ? (
            <Group gap={6} wrap="nowrap">
              <CountryCell code={s.country} />
              <Text size="sm">{countryName(s.country)}</Text>
            </Group>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label="AS">
          {s.asn ? `AS${s.asn}` : "—"}
          {s.as_org ? ` · ${s.as_org}` : ""}
        </Fact>
        <Fact label="First seen">{s.first_seen ? formatTime(s.first_seen) : "—"}</Fact>
        <Fact label="Last seen">{s.last_seen ? formatTime(s.last_seen) : "—"}</Fact>
        <Fact label="Events">
          <span data-testid="ip-total">{formatCount(s.total)}</span>
          <Text span size="xs" c="dimmed">
            {" "}
            in 30 days
          </Text>
        </Fact>
      </Table.Tbody>
    </Table>
  );
}

function useRecentEvents(ip: string, from: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["events", "ip-recent", ip, from],
    queryFn: ({ signal }) =>
      api.get<Page<ApiEvent>>("/api/v1/events", { src_ip: ip, from, limit: RECENT }, signal),
    select: (page) => page.items,
    refetchInterval: 60_000,
  });
}

function IpAlerts({ ip }: { ip: string }) {
  const alerts = useIpAlerts(ip);
  if (alerts.isPending) return <Loading />;
  if (alerts.error) return <ErrorNote compact error={alerts.error} onRetry={() => void alerts.refetch()} />;
  return <AlertsTable alerts={alerts.data} empty="No alert about this IP." />;
}

/**
 * `/ip/:ip`: everything Vigil knows about one address and what can be done about it. Reached from
 * any IP in the console (IpLink). Counts cover the last 30 days on the caller's sites.
 */
export function IpPage() {
  const { ip: raw = "" } = useParams();
  const ip = raw.trim();
  usePageTitle(ip);
  // Fixed when the page opens, so the queries keep one key (a moving "now" would refetch forever).
  const [from] = useState(() => new Date(Date.now() - RANGE_MS).toISOString());
  const filters = useMemo<EventFilters>(
    () => ({ ...EMPTY_FILTERS, range: "custom", from, to: "", src_ip: ip }),
    [from, ip],
  );
  const summary = useIpSummary(ip);
  const timeline = useTimeline(filters);
  const recent = useRecentEvents(ip, from);
  const [event, setEvent] = useState<ApiEvent | null>(null);
  const s = summary.data;

  return (
    <Stack gap="sm" data-testid="ip-page" data-ip={ip}>
      <Group gap="xs">
        <Anchor component={Link} to="/threats" size="sm">
          ← Advanced Threat
        </Anchor>
      </Group>
      <Group gap="sm" align="center">
        <Title order={3} ff="monospace" style={{ wordBreak: "break-all" }} data-testid="ip-title">
          {ip}
        </Title>
        <BannedBadge ip={ip} />
      </Group>
      <IpActions ip={ip} site={s?.by_site.length === 1 ? s.by_site[0]?.key : undefined} />
      {summary.error && <ErrorNote error={summary.error} onRetry={() => void summary.refetch()} />}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Panel title="Who" data-testid="ip-who">
            {s ? <Identity s={s} /> : summary.isPending ? <Loading /> : null}
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Panel title="Threat intelligence" data-testid="ip-threat">
            <ThreatPanel ip={ip} />
          </Panel>
        </Grid.Col>
        <Grid.Col span={12}>
          <Panel title="Activity (30 days)">
            {timeline.data ? (
              <TimelineChart timeline={timeline.data} height={180} />
            ) : timeline.error ? (
              <ErrorNote compact error={timeline.error} onRetry={() => void timeline.refetch()} />
            ) : (
              <Loading h={180} />
            )}
          </Panel>
        </Grid.Col>
        {s && s.total === 0 && (
          <Grid.Col span={12}>
            <NoEvents summary={s} />
          </Grid.Col>
        )}
        {s && s.total > 0 && (
          <>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Panel title="By log type">
                <CountList items={s.by_log_type} empty="—" testId="ip-by-log-type" />
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Panel title="By action">
                <CountList items={s.by_action} empty="—" testId="ip-by-action" />
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Panel title="By site">
                <CountList items={s.by_site} empty="—" testId="ip-by-site" />
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Panel title="Targeted hosts">
                <CountList items={s.top_hosts} empty="No host names" testId="ip-top-hosts" mono />
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Panel title="Targeted ports">
                <CountList items={s.top_ports} empty="No ports" testId="ip-top-ports" mono />
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <Panel title="Requested URLs">
                <CountList items={s.top_urls} empty="No URLs" testId="ip-top-urls" mono />
              </Panel>
            </Grid.Col>
          </>
        )}
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Panel title="Bans">
            <IpBans ip={ip} />
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Panel title="Alerts">
            <IpAlerts ip={ip} />
          </Panel>
        </Grid.Col>
      </Grid>
      <Group justify="space-between">
        <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
          Recent events
        </Text>
        <Anchor component={Link} to={ipEventsPath(ip, "7d")} size="sm" data-testid="ip-explorer-link">
          Open in the explorer
        </Anchor>
      </Group>
      {recent.isPending ? (
        <Loading />
      ) : recent.error ? (
        <ErrorNote error={recent.error} onRetry={() => void recent.refetch()} />
      ) : recent.data.length === 0 ? (
        <Empty h={60}>No events from this IP in 30 days.</Empty>
      ) : (
        <EventsTable events={recent.data} onOpen={setEvent} />
      )}
      <EventDrawer eventId={event?.event_id ?? null} initial={event} onClose={() => setEvent(null)} />
    </Stack>
  );
}
