import { Group, Progress, Stack, Table, Text } from "@mantine/core";
import { StatusBadge } from "../bans/active-bans.js";
import { formatRemaining, tierLabel } from "../bans/ban-format.js";
import { BanHistoryTimeline, threatText } from "../bans/ban-history-timeline.js";
import { useNow } from "../bans/use-now.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { sitesLabel } from "../components/site-options.js";
import { formatCount, formatTime } from "../format.js";
import { useBanRecord } from "./ip-actions.js";
import { tierPreview } from "./threat-format.js";
import type { IpSummary } from "./threat-types.js";

type Counts = IpSummary["by_site"];

/** A short key → count list with a proportional bar, for the IP's breakdowns and tops. */
export function CountList({
  items,
  empty,
  testId,
  mono = false,
}: {
  items: Counts;
  empty: string;
  testId: string;
  mono?: boolean;
}) {
  if (items.length === 0)
    return (
      <Text size="xs" c="dimmed" data-testid={testId}>
        {empty}
      </Text>
    );
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <Stack gap={4} data-testid={testId}>
      {items.map((item) => (
        <div key={item.key} data-testid={`${testId}-row`} data-key={item.key} data-count={item.count}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text size="xs" ff={mono ? "monospace" : undefined} className="truncate" title={item.key}>
              {item.key}
            </Text>
            <Text size="xs" fw={600} className="num">
              {formatCount(item.count)}
            </Text>
          </Group>
          <Progress value={(item.count / max) * 100} size={3} color="blue" />
        </div>
      ))}
    </Stack>
  );
}

/** The IP's ban in force (if any), the tier the next ban would get, and every transition. */
export function IpBans({ ip }: { ip: string }) {
  const record = useBanRecord(ip);
  const { ban, never, loaded } = record;
  const now = useNow(30_000);
  const failed = record.list.error ?? record.detail.error;
  if (failed)
    return (
      <ErrorNote
        compact
        error={failed}
        onRetry={() => void (record.list.error ? record.list.refetch() : record.detail.refetch())}
      />
    );
  if (!loaded) return <Loading />;
  const preview = tierPreview(ban, now);
  return (
    <Stack gap="xs" data-testid="ip-bans">
      {ban ? (
        <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
          <Table.Tbody>
            {(
              [
                ["Status", <StatusBadge key="s" ban={ban} />],
                ["Tier", `${ban.current_tier} (${tierLabel(ban.current_tier)}) · ${ban.ban_count} ban(s)`],
                ["Expires in", formatRemaining(ban.expires_at, now)],
                ["Sites", sitesLabel(ban.sites, "Global (every site)")],
                ["Reason", ban.reason],
                ["Threat score", threatText(ban.threat_score_at_ban, ban.threat_sources)],
              ] as const
            ).map(([label, value]) => (
              <Table.Tr key={label}>
                <Table.Td c="dimmed" w={110}>
                  {label}
                </Table.Td>
                <Table.Td style={{ wordBreak: "break-word" }}>{value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          {never ? "Never banned." : "Not banned now."}
        </Text>
      )}
      <Text size="xs" data-testid="ip-tier-preview">
        {preview.text}
      </Text>
      {record.history.length > 0 && <BanHistoryTimeline history={record.history} testId="ip-ban-history" />}
    </Stack>
  );
}

export function NoEvents({ summary }: { summary: IpSummary }) {
  return (
    <Empty h={60}>
      No events from this IP between {formatTime(summary.from)} and {formatTime(summary.to)} on your sites.
    </Empty>
  );
}
