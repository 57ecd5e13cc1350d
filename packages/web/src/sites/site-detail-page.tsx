import { Anchor, Button, Card, Grid, Group, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useNavigate, useParams } from "react-router";
import { formatAge } from "../alerts/alert-format.js";
import { useNow } from "../bans/use-now.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { Panel } from "../dashboard/panel.js";
import { TopAttackers } from "../dashboard/top-attackers.js";
import { formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { SiteOwner } from "./site-heading.js";
import { HealthFigures } from "./site-health.js";
import { siteAlertsLink, siteBansLink, siteEventsLink } from "./site-links.js";
import { useSiteAttackers, useSiteDetail } from "./site-queries.js";
import type { SiteHealth } from "./site-types.js";

function SourcesTable({ sources }: { sources: SiteHealth["sources"] }) {
  const now = useNow(10_000);
  if (sources.length === 0) return <Empty h={60}>No sender is registered to this site.</Empty>;
  return (
    <Table fz="sm" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Sender</Table.Th>
          <Table.Th>Last seen</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {sources.map((s) => (
          <Table.Tr key={s.id} data-testid="site-source-row">
            <Table.Td ff="monospace" fz="xs" className="truncate" maw={220}>
              {s.name}
            </Table.Td>
            <Table.Td title={s.last_seen ? formatTime(s.last_seen) : undefined}>
              {s.last_seen ? `${formatAge(s.last_seen, now)} ago` : "never"}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** One site: its health, who attacks it, its senders, and the way to its events, alerts and bans. */
export function SiteDetailPage() {
  const name = useParams().name ?? "";
  usePageTitle(name);
  const navigate = useNavigate();
  const detail = useSiteDetail(name);
  const attackers = useSiteAttackers(name);

  if (detail.error && !detail.data) {
    return <ErrorNote error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  if (!detail.data) return <Loading />;
  const { site, health } = detail.data;
  return (
    <Stack gap="sm" data-testid="site-detail">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Anchor component={Link} to="/sites" size="sm">
              Sites
            </Anchor>
            <Text c="dimmed">/</Text>
            <Title order={3} className="truncate" data-testid="site-name">
              {site.name}
            </Title>
          </Group>
          <SiteOwner site={site} />
        </Stack>
        <Group gap="xs">
          {[
            { to: siteEventsLink(site.name), label: "Events", testId: "site-events-link" },
            { to: siteAlertsLink(site.name), label: "Alerts", testId: "site-alerts-link" },
            // The Bans page has no site filter; its lists show each ban's site.
            { to: siteBansLink(site.name), label: "Bans", testId: "site-bans-link" },
          ].map((l) => (
            <Button
              key={l.testId}
              component={Link}
              to={l.to}
              size="xs"
              variant="light"
              data-testid={l.testId}
            >
              {l.label}
            </Button>
          ))}
        </Group>
      </Group>

      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card h="100%">
            <HealthFigures health={health} />
            <Text size="xs" c="dimmed" mt="xs">
              {formatCount(site.event_count)} events stored
              {site.first_event ? ` since ${formatTime(site.first_event)}` : ""}
            </Text>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Panel title="Senders" data-testid="site-sources">
            <SourcesTable sources={health.sources} />
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Panel title="Top attackers · 24 h" data-testid="top-attackers">
            <TopAttackers query={attackers} onPick={(ip) => void navigate(siteEventsLink(site.name, ip))} />
          </Panel>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
