import { Button, Center, Group, Stack, Switch, Text, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useEventPages } from "../api/queries.js";
import type { ApiEvent } from "../api/types.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import {
  activeFilterCount,
  type EventFilters,
  filtersFromSearch,
  filtersToSearch,
} from "../filters/filters.js";
import { formatCount } from "../format.js";
import { workbenchLink } from "../hunt/hunt-url.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { EventDrawer } from "./event-drawer.js";
import { EventsTable } from "./events-table.js";
import { FilterBar } from "./filter-bar.js";
import { useLiveTail } from "./live-tail.js";

export function EventsPage() {
  usePageTitle("Events");
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  // Parsed from the URL, so a shared link or the back button gives the same view.
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(search)), [search]);
  const pages = useEventPages(filters);
  const [selected, setSelected] = useState<ApiEvent | null>(null);

  const loaded = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  // Off by default: rows moving under the cursor get in the way of reading; on, new matches come on top.
  const [tailOn, setTailOn] = useState(false);
  const live = useLiveTail(filters, tailOn, loaded);
  const events = useMemo(
    () => (live.tail.length > 0 ? [...live.tail, ...loaded] : loaded),
    [live.tail, loaded],
  );
  const apply = (next: EventFilters) => setParams(filtersToSearch(next));
  const span = pages.data?.pages[0]?.span;

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>Events</Title>
        <Group gap="sm">
          <Text size="sm" c="dimmed" className="num" data-testid="events-count">
            {events.length > 0 &&
              `${formatCount(events.length)} shown${pages.hasNextPage ? ", more available" : ""}`}
          </Text>
          {live.gap && (
            <Text size="xs" c="orange" data-testid="live-tail-gap">
              More arrived than the tail shows: refresh for all
            </Text>
          )}
          <Switch
            size="sm"
            label="Live tail"
            checked={tailOn && live.available}
            disabled={!live.available}
            title={
              live.available
                ? "New matching events appear at the top as they arrive"
                : "A live tail needs a time range that runs up to now"
            }
            onChange={(e) => setTailOn(e.currentTarget.checked)}
            data-testid="live-tail"
          />
          <Button
            size="xs"
            variant="default"
            component={Link}
            to={workbenchLink(filters)}
            title="These filters as a KQL query in the hunting workbench"
            data-testid="events-open-workbench"
          >
            Open in workbench
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              live.reset();
              void pages.refetch();
            }}
            loading={pages.isRefetching}
          >
            Refresh
          </Button>
        </Group>
      </Group>
      <FilterBar value={filters} onApply={apply} />
      {pages.isPending ? (
        <Loading h={240} />
      ) : pages.error && events.length === 0 ? (
        <ErrorNote error={pages.error} onRetry={() => void pages.refetch()} />
      ) : events.length === 0 ? (
        <Empty h={240}>
          No events match these filters
          {span
            ? ` between ${new Date(span.from).toLocaleString()} and ${new Date(span.to).toLocaleString()}`
            : ""}
          .{activeFilterCount(filters) > 0 ? " Try removing a filter or widening the time range." : ""}
        </Empty>
      ) : (
        <>
          <EventsTable events={events} onOpen={setSelected} />
          {pages.error && <ErrorNote error={pages.error} onRetry={() => void pages.fetchNextPage()} />}
          <Center>
            {pages.hasNextPage ? (
              <Button
                variant="default"
                onClick={() => void pages.fetchNextPage()}
                loading={pages.isFetchingNextPage}
                data-testid="load-more"
              >
                Load more
              </Button>
            ) : (
              <Text size="xs" c="dimmed">
                End of results
              </Text>
            )}
          </Center>
        </>
      )}
      <EventDrawer
        eventId={selected?.event_id ?? null}
        initial={selected}
        onClose={() => setSelected(null)}
      />
    </Stack>
  );
}
