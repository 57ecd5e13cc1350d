import { Button, Center, Group, Stack, Text, Title } from "@mantine/core";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { ErrorNote, Loading } from "../components/query-state.js";
import { formatCount } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { SEVERITY_COLOR, SEVERITY_ORDER } from "../severity.js";
import { AlertFilterBar } from "./alert-filter-bar.js";
import { type AlertFilters, alertFiltersFromSearch, alertFiltersToSearch } from "./alert-filters.js";
import { useAlertLiveRefresh, useAlertPages, useAlertStats } from "./alert-queries.js";
import { AlertsTable } from "./alerts-table.js";

function StatsLine() {
  const stats = useAlertStats();
  if (!stats.data) return null;
  const s = stats.data;
  return (
    <Group gap="md" data-testid="alerts-stats">
      <Text size="sm">
        <Text span fw={700} c="red.4" data-testid="alerts-open-count">
          {formatCount(s.open)}
        </Text>{" "}
        open
      </Text>
      {SEVERITY_ORDER.filter((sev) => (s.by_severity[sev] ?? 0) > 0).map((sev) => (
        <Text size="sm" key={sev}>
          <Text span fw={700} c={`${SEVERITY_COLOR[sev]}.4`}>
            {formatCount(s.by_severity[sev])}
          </Text>{" "}
          {sev}
        </Text>
      ))}
      <Text size="sm" c="dimmed">
        {formatCount(s.last_24h)} raised in 24 h
      </Text>
      {s.median_ack_seconds !== null && (
        <Text size="sm" c="dimmed">
          median time to acknowledge {Math.round(s.median_ack_seconds / 60)} min
        </Text>
      )}
    </Group>
  );
}

export function AlertsPage() {
  usePageTitle("Alerts");
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => alertFiltersFromSearch(new URLSearchParams(search)), [search]);
  const pages = useAlertPages(filters);
  useAlertLiveRefresh();
  const alerts = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const apply = (next: AlertFilters) => setParams(alertFiltersToSearch(next));

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={3}>Alerts</Title>
          <StatsLine />
        </Stack>
        <Button size="xs" variant="default" onClick={() => void pages.refetch()} loading={pages.isRefetching}>
          Refresh
        </Button>
      </Group>
      <AlertFilterBar value={filters} onApply={apply} />
      {pages.isPending ? (
        <Loading h={240} />
      ) : pages.error && alerts.length === 0 ? (
        <ErrorNote error={pages.error} onRetry={() => void pages.refetch()} />
      ) : (
        <>
          <AlertsTable
            alerts={alerts}
            empty="No alerts match these filters. New alerts appear here as they are raised."
          />
          <Center>
            {pages.hasNextPage ? (
              <Button
                variant="default"
                size="xs"
                onClick={() => void pages.fetchNextPage()}
                loading={pages.isFetchingNextPage}
                data-testid="alerts-load-more"
              >
                Load more
              </Button>
            ) : (
              <Text size="xs" c="dimmed">
                {formatCount(alerts.length)} alert{alerts.length === 1 ? "" : "s"}
              </Text>
            )}
          </Center>
        </>
      )}
    </Stack>
  );
}
