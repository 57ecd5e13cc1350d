import { Button, Grid, Group, SegmentedControl, Select, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useEventStats, useGeo, useSites, useTimeline, useTop } from "../api/queries.js";
import type { ApiEvent } from "../api/types.js";
import { EnforcementBanner } from "../bans/enforcement-banner.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { EventDrawer } from "../events/event-drawer.js";
import { EMPTY_FILTERS, type EventFilters, filtersToSearch, RANGES } from "../filters/filters.js";
import { formatClock } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { useLive, useLiveInterest } from "../live/live-context.js";
import { dashboardRange, firstEventOf, rangeFilters, windowLabel, zoomParams } from "./dashboard-range.js";
import { EventsByType } from "./events-by-type.js";
import { GeoMap } from "./geo-map.js";
import { LiveFeed } from "./live-feed.js";
import { Panel } from "./panel.js";
import { StatCards } from "./stat-cards.js";
import { TimelineChart } from "./timeline-chart.js";
import { TopAttackers } from "./top-attackers.js";
import { TopCountries } from "./top-countries.js";

const REFRESH_MS = 10_000;
/** New events refresh the numbers at most this often, so a flood does not turn into a query storm. */
const LIVE_REFRESH_MIN_MS = 3_000;
const DASHBOARD_QUERIES = new Set(["stats", "timeline", "top", "geo"]);

/**
 * Refetches the dashboard's aggregates soon after events arrive (throttled). It follows the live
 * `stats` ticks (one small message a second while events arrive), not the events themselves.
 */
function useRefreshOnLiveEvents(site: string) {
  const queryClient = useQueryClient();
  const { listenMessages } = useLive();
  useLiveInterest({ topics: ["stats"], sites: site ? [site] : [] });
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const refresh = () => {
      last.current = Date.now();
      timer.current = null;
      void queryClient.invalidateQueries({
        predicate: (q) => q.queryKey[0] === "events" && DASHBOARD_QUERIES.has(String(q.queryKey[1])),
      });
    };
    const stop = listenMessages((m) => {
      if (m.type !== "stats" || timer.current) return;
      const wait = Math.max(0, last.current + LIVE_REFRESH_MIN_MS - Date.now());
      timer.current = setTimeout(refresh, wait);
    });
    return () => {
      stop();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [listenMessages, queryClient]);
}

function ZoomHint() {
  return (
    <Text size="xs" c="dimmed">
      drag to zoom
    </Text>
  );
}

export function DashboardPage() {
  usePageTitle("Dashboard");
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const site = params.get("site") ?? "";
  const sites = useSites();
  const firstEvent = sites.data ? firstEventOf(sites.data, site) : null;
  // An install without events yet: learn the first event's time as soon as one arrives, so the
  // fitted range is not stuck at 24 h for the minute the site list is cached.
  const { listenMessages } = useLive();
  const refetchSites = sites.refetch;
  const waitingForData = sites.isSuccess && firstEvent === null;
  useEffect(() => {
    if (!waitingForData) return;
    return listenMessages((m) => {
      if (m.type === "stats") void refetchSites();
    });
  }, [waitingForData, listenMessages, refetchSites]);
  const search = params.toString();
  // Worked out once per URL and first-event time: a fitted window starts at a fixed instant, so the
  // query keys stay put between renders while its end follows the clock on each refresh.
  const range = useMemo(
    () => dashboardRange(new URLSearchParams(search), firstEvent, Date.now()),
    [search, firstEvent],
  );
  const filters = useMemo<EventFilters>(
    () => ({ ...EMPTY_FILTERS, ...rangeFilters(range, Date.now()), site }),
    [range, site],
  );
  const [drawer, setDrawer] = useState<{ id: string; initial: ApiEvent | null } | null>(null);

  const refresh = { refreshMs: REFRESH_MS };
  const stats = useEventStats(filters, refresh);
  const timeline = useTimeline(filters, refresh);
  const attackers = useTop("attacker", filters, 10, refresh);
  const countries = useTop("country", filters, 10, refresh);
  const geo = useGeo(filters, refresh);
  useRefreshOnLiveEvents(site);

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  /** A preset, or "fit" for the default fitted to the data; either clears a zoom. */
  const pickRange = (value: string) => {
    const next = new URLSearchParams(params);
    next.delete("from");
    next.delete("to");
    if (value === "fit") next.delete("range");
    else next.set("range", value);
    setParams(next, { replace: true });
  };
  // Pushed, not replaced: the back button undoes a zoom.
  const zoom = (fromMs: number, toMs: number) => setParams(zoomParams(params, fromMs, toMs));

  /** Opens the explorer on the same range and site, narrowed by one more filter. */
  const explore = useCallback(
    (extra: Partial<EventFilters>) => {
      void navigate(`/events?${filtersToSearch({ ...filters, ...extra }).toString()}`);
    },
    [filters, navigate],
  );

  const siteOptions = [
    { value: "", label: "All sites" },
    ...(sites.data ?? []).map((s) => ({ value: s.site, label: s.site })),
  ];

  return (
    <>
      <Group justify="space-between" mb="sm" wrap="wrap" gap="sm">
        <Title order={3}>Dashboard</Title>
        <Group gap="sm">
          <Select
            size="xs"
            w={200}
            data={siteOptions}
            value={site}
            onChange={(value) => setParam("site", value ?? "")}
            allowDeselect={false}
            searchable
            // The list is cached for a minute; a site that just started sending must be pickable now.
            onDropdownOpen={() => void sites.refetch()}
            aria-label="Site"
            data-testid="site-select"
            nothingFoundMessage="No such site"
          />
          {range.kind === "zoom" && (
            <Button
              size="compact-xs"
              variant="light"
              onClick={() => pickRange("fit")}
              data-testid="range-reset"
            >
              {`${formatClock(range.from)} – ${formatClock(range.to)} · reset`}
            </Button>
          )}
          <SegmentedControl
            size="xs"
            data={[
              {
                value: "fit",
                label: range.kind === "fitted" ? `Fit · ${windowLabel(range.windowMs)}` : "Fit",
              },
              ...RANGES.map((r) => ({ value: r, label: r })),
            ]}
            value={range.kind === "preset" ? range.range : range.kind === "fitted" ? "fit" : ""}
            onChange={pickRange}
            title="Fit: the last 24 hours, or less on a young install (since its first event)"
            data-testid="range-picker"
          />
        </Group>
      </Group>
      <EnforcementBanner mb="sm" />

      <Grid gap="sm">
        <Grid.Col span={12}>
          <StatCards stats={stats} />
        </Grid.Col>

        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Panel title="Events over time" h={290} extra={<ZoomHint />}>
            {timeline.error && !timeline.data ? (
              <ErrorNote compact error={timeline.error} onRetry={() => void timeline.refetch()} />
            ) : !timeline.data ? (
              <Loading h={240} />
            ) : timeline.data.buckets.every((b) => b.count === 0) ? (
              <Empty h={240}>No events in this range.</Empty>
            ) : (
              <TimelineChart timeline={timeline.data} height={240} onZoom={zoom} />
            )}
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Panel title="Events by type" h={290}>
            {stats.error && !stats.data ? (
              <ErrorNote compact error={stats.error} />
            ) : !stats.data ? (
              <Loading h={240} />
            ) : stats.data.by_log_type.length === 0 ? (
              <Empty h={240}>No events in this range.</Empty>
            ) : (
              <EventsByType
                items={stats.data.by_log_type}
                height={240}
                onPick={(logType) => explore({ log_type: logType })}
              />
            )}
          </Panel>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 6, lg: 3 }}>
          <Panel title="Top attackers" h={330} data-testid="top-attackers">
            <TopAttackers query={attackers} onPick={(ip) => explore({ src_ip: ip })} />
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 3 }}>
          <Panel title="Top countries" h={330} data-testid="top-countries">
            <TopCountries query={countries} onPick={(country) => explore({ country })} />
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Panel title="Attack origins" h={330}>
            <GeoMap query={geo} height={280} onPick={(country) => explore({ country })} />
          </Panel>
        </Grid.Col>

        <Grid.Col span={12}>
          {/* Keyed by site: switching sites starts a fresh feed. */}
          <LiveFeed
            key={site}
            site={site}
            height={380}
            onOpen={(e) => setDrawer({ id: e.event_id, initial: e })}
          />
        </Grid.Col>
      </Grid>

      <EventDrawer
        eventId={drawer?.id ?? null}
        initial={drawer?.initial ?? null}
        onClose={() => setDrawer(null)}
      />
    </>
  );
}
