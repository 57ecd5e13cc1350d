import { Badge, Group, Stack, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ThreatDetected } from "../../../server/src/intel/lookup/enrichment.js";
import { Empty } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { useLive, useLiveInterest } from "../live/live-context.js";
import { IpLink } from "./ip-link.js";
import { ScoreBadge } from "./threat-panel.js";
import { THREAT_KEYS } from "./threat-queries.js";

const THREATS_ONLY = { topics: ["threats"] } as const;
const KEEP = 20;
const REASON: Record<ThreatDetected["reason"], string> = {
  detection: "tripped a scenario",
  pending: "waits for approval",
  drops: "keeps being dropped",
};

/**
 * IPs that background enrichment found high or critical while this page is open (the server's
 * `threat_detected` on the `threats` topic), newest first. Each one also refreshes the stored
 * scores shown elsewhere on the page.
 */
export function LiveThreats() {
  const { listenMessages } = useLive();
  const queryClient = useQueryClient();
  useLiveInterest(THREATS_ONLY);
  const [found, setFound] = useState<ThreatDetected[]>([]);

  useEffect(
    () =>
      listenMessages((message) => {
        if (message.type !== "threat_detected" || !message.data) return;
        const t = message.data as ThreatDetected;
        setFound((list) => [t, ...list.filter((x) => x.ip !== t.ip)].slice(0, KEEP));
        void queryClient.invalidateQueries({ queryKey: THREAT_KEYS.cached(t.ip) });
      }),
    [listenMessages, queryClient],
  );

  if (found.length === 0)
    return <Empty>Nothing yet: high-risk IPs found in the background appear here as they are scored.</Empty>;
  return (
    <Stack gap={6} data-testid="threat-live">
      {found.map((t) => (
        <Group
          key={t.ip}
          justify="space-between"
          wrap="nowrap"
          gap="xs"
          data-testid="threat-live-row"
          data-ip={t.ip}
        >
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Group gap={6} wrap="nowrap">
              <IpLink ip={t.ip} />
              {t.country && (
                <Badge size="xs" variant="outline" color="gray">
                  {t.country}
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed" truncate>
              {REASON[t.reason]}
              {t.categories.length > 0 ? ` · ${t.categories.slice(0, 3).join(", ")}` : ""} ·{" "}
              {formatTime(t.checked_at)}
            </Text>
          </Stack>
          <ScoreBadge result={t} />
        </Group>
      ))}
    </Stack>
  );
}
