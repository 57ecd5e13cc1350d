import { Badge, Button, Group, ScrollArea, Table, Text } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import type { ApiEvent } from "../api/types.js";
import { Empty } from "../components/query-state.js";
import { SeverityBadge } from "../components/severity-badge.js";
import { countryName, formatClock, formatEndpoint } from "../format.js";
import { FEED_CAP, matchesSite, prependCapped } from "../live/feed-buffer.js";
import { useLive, useLiveInterest } from "../live/live-context.js";
import { severityHex } from "../severity.js";
import { Panel } from "./panel.js";

/** Arrivals are applied in small batches: a burst of thousands of events must not re-render per event. */
const FLUSH_MS = 250;

export function LiveFeed({
  site,
  height,
  onOpen,
}: {
  site: string;
  height: number;
  onOpen: (event: ApiEvent) => void;
}) {
  const live = useLive();
  // Start from what already arrived, so coming back to the dashboard does not empty the feed.
  const [rows, setRows] = useState<ApiEvent[]>(() => live.recent().filter((e) => matchesSite(e, site)));
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState<ApiEvent[]>([]);
  const queue = useRef<ApiEvent[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  // Ask the server for this site's events only while the feed is shown; the local check below covers
  // another component having widened the room.
  const { listen, listenMessages, recent } = live;
  useLiveInterest({ topics: ["events"], sites: site ? [site] : [] });
  // Above its rate the server sends a sample and says how many it left out: say so, not "all traffic".
  const [skipped, setSkipped] = useState(0);
  useEffect(
    () =>
      listenMessages((m) => {
        const n = (m as { skipped?: unknown }).skipped;
        if (m.type === "skipped" && typeof n === "number") setSkipped((total) => total + n);
      }),
    [listenMessages],
  );

  useEffect(() => {
    // Events may have arrived between the first render and this effect: take the buffer again
    // (duplicates are dropped by id; while paused, arrivals belong to the held list instead).
    if (!pausedRef.current) {
      setRows((r) =>
        prependCapped(
          r,
          recent()
            .filter((e) => matchesSite(e, site))
            .reverse(),
        ),
      );
    }
    const stop = listen((event) => {
      if (matchesSite(event, site)) queue.current.push(event);
    });
    const timer = setInterval(() => {
      if (queue.current.length === 0) return;
      const arrivals = queue.current;
      queue.current = [];
      if (pausedRef.current) setHeld((h) => prependCapped(h, arrivals));
      else setRows((r) => prependCapped(r, arrivals));
    }, FLUSH_MS);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [listen, recent, site]);

  const resume = () => {
    setRows((r) => prependCapped(r, [...held].reverse()));
    setHeld([]);
    setPaused(false);
  };

  const controls = (
    <Group gap="xs">
      {paused && held.length > 0 && (
        <Badge color="blue" variant="light" data-testid="live-feed-held">
          {held.length >= FEED_CAP ? `${FEED_CAP}+` : held.length} new
        </Badge>
      )}
      {skipped > 0 && (
        <Text
          size="xs"
          c="dimmed"
          className="num"
          data-testid="live-feed-skipped"
          title="Above its live rate the server sends an even sample of the events; the explorer has them all."
        >
          {skipped.toLocaleString()} skipped
        </Text>
      )}
      <Text size="xs" c="dimmed" className="num">
        {rows.length} shown
      </Text>
      <Button
        size="compact-xs"
        variant={paused ? "filled" : "default"}
        onClick={paused ? resume : () => setPaused(true)}
        data-testid="live-feed-pause"
      >
        {paused ? "Resume" : "Pause"}
      </Button>
    </Group>
  );

  return (
    <Panel title="Live feed" extra={controls} data-testid="live-feed">
      {rows.length === 0 ? (
        <Empty h={height}>
          {live.status === "live"
            ? "Waiting for events… new events appear here as they arrive."
            : "Live connection not established yet."}
        </Empty>
      ) : (
        <ScrollArea h={height} type="auto" offsetScrollbars>
          {/* A floor on the width: on a narrow screen the feed scrolls sideways instead of the message
              column (the one that matters most) shrinking to nothing. */}
          <Table highlightOnHover stickyHeader miw={1060} style={{ tableLayout: "fixed" }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={74}>Time</Table.Th>
                <Table.Th w={84}>Severity</Table.Th>
                <Table.Th w={110}>Site</Table.Th>
                <Table.Th w={120}>Type</Table.Th>
                <Table.Th w={70}>Action</Table.Th>
                <Table.Th w={300}>Source → destination</Table.Th>
                <Table.Th w={48}>Ctry</Table.Th>
                <Table.Th>Message</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((e) => (
                <Table.Tr
                  key={e.event_id}
                  className="clickable-row live-row-new"
                  onClick={() => onOpen(e)}
                  data-testid="live-feed-row"
                  data-severity={e.severity}
                  style={{ boxShadow: `inset 3px 0 0 ${severityHex(e.severity)}` }}
                >
                  <Table.Td className="num">{formatClock(e.timestamp)}</Table.Td>
                  <Table.Td>
                    <SeverityBadge severity={e.severity} />
                  </Table.Td>
                  <Table.Td className="truncate">{e.site}</Table.Td>
                  <Table.Td className="truncate">{e.log_type}</Table.Td>
                  <Table.Td>{e.action}</Table.Td>
                  <Table.Td ff="monospace" fz="xs" className="truncate">
                    {formatEndpoint(e.src_ip, e.src_port)}
                    {e.dst_ip ? ` → ${formatEndpoint(e.dst_ip, e.dst_port)}` : ""}
                  </Table.Td>
                  <Table.Td title={e.geo_country ? countryName(e.geo_country) : undefined}>
                    {e.geo_country}
                  </Table.Td>
                  <Table.Td className="truncate">{e.message || e.rule_name || e.raw_log}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Panel>
  );
}
