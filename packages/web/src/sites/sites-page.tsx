import { Anchor, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { formatCount } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { SiteOwner } from "./site-heading.js";
import { HealthFigures } from "./site-health.js";
import { siteDetailLink } from "./site-links.js";
import { useSiteDetail, useSiteList } from "./site-queries.js";
import type { SiteInfo } from "./site-types.js";

/** One site's card: its health is its own request, so one slow site does not hold the others. */
function SiteCard({ site }: { site: SiteInfo }) {
  const detail = useSiteDetail(site.name);
  return (
    <Card data-testid="site-card" data-site={site.name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Anchor
            component={Link}
            to={siteDetailLink(site.name)}
            fw={700}
            className="truncate"
            data-testid="site-link"
          >
            {site.name}
          </Anchor>
          <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
            {formatCount(site.source_count)} {site.source_count === 1 ? "sender" : "senders"}
          </Text>
        </Group>
        <SiteOwner site={site} />
        {detail.error && !detail.data ? (
          <ErrorNote compact error={detail.error} onRetry={() => void detail.refetch()} />
        ) : !detail.data ? (
          <Loading h={80} />
        ) : (
          <HealthFigures health={detail.data.health} />
        )}
      </Stack>
    </Card>
  );
}

/** Every site the user may see and how it is doing: traffic, silence, open alerts, bans. */
export function SitesPage() {
  usePageTitle("Sites");
  const sites = useSiteList();
  return (
    <Stack gap="sm" data-testid="sites-page">
      <Title order={3}>Sites</Title>
      {sites.error && !sites.data ? (
        <ErrorNote error={sites.error} onRetry={() => void sites.refetch()} />
      ) : !sites.data ? (
        <Loading />
      ) : sites.data.length === 0 ? (
        <Empty>No sites yet.</Empty>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="sm">
          {sites.data.map((site) => (
            <SiteCard key={site.name} site={site} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
