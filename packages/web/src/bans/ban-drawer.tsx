import { Drawer, Stack, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { useIsStaff } from "../auth/auth-context.js";
import { ErrorNote, Loading } from "../components/query-state.js";
import { sitesLabel } from "../components/site-options.js";
import { formatTime } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { StatusBadge } from "./active-bans.js";
import { formatRemaining, tierLabel } from "./ban-format.js";
import { BanHistoryTimeline, threatText } from "./ban-history-timeline.js";
import { useBanDetail } from "./ban-queries.js";
import { CountryCell } from "./country-cell.js";
import { EnforcedOn } from "./enforced-on.js";
import { useNow } from "./use-now.js";

/** One IP's ban and every transition it went through (who, when, why), newest first. */
export function BanDrawer({ ip, onClose }: { ip: string | null; onClose: () => void }) {
  const detail = useBanDetail(ip);
  const staff = useIsStaff();
  const now = useNow();
  const ban = detail.data?.ban ?? null;
  const history = detail.data?.history ?? [];
  const rows: Array<[string, ReactNode]> = ban
    ? [
        ["Status", <StatusBadge key="s" ban={ban} />],
        ["Country", <CountryCell key="c" code={ban.country} />],
        ["Geo zone", ban.geo_zone],
        ["Tier", `${ban.current_tier} (${tierLabel(ban.current_tier)})`],
        ["Ban count", String(ban.ban_count)],
        ["Expires in", formatRemaining(ban.expires_at, now)],
        ["First ban", formatTime(ban.first_ban)],
        ["Last ban", formatTime(ban.last_ban)],
        ["Reason", ban.reason],
        ["Rule", ban.trigger_rule || "—"],
        ["Source", ban.source],
        ["Sites", sitesLabel(ban.sites, "Global (every site)")],
        ["Threat score", threatText(ban.threat_score_at_ban, ban.threat_sources)],
        ["Immune until", ban.immune_until ? formatTime(ban.immune_until) : "—"],
        ["By", ban.created_by],
      ]
    : [];
  return (
    <Drawer
      opened={ip !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={
        <Text ff="monospace" fw={700}>
          {ip && <IpLink ip={ip} onNavigate={onClose} />}
        </Text>
      }
    >
      <Stack gap="md" data-testid="ban-drawer">
        {detail.isPending ? (
          <Loading />
        ) : detail.error ? (
          <ErrorNote error={detail.error} onRetry={() => void detail.refetch()} />
        ) : (
          <>
            {ban ? (
              <>
                <Table fz="xs" verticalSpacing={2} withRowBorders={false}>
                  <Table.Tbody>
                    {rows.map(([label, value]) => (
                      <Table.Tr key={label}>
                        <Table.Td c="dimmed" w={130}>
                          {label}
                        </Table.Td>
                        <Table.Td>{value}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {ip && staff && <EnforcedOn ip={ip} />}
              </>
            ) : (
              <Text size="sm" c="dimmed">
                Not banned now.
              </Text>
            )}
            <Text fw={600} size="sm">
              History
            </Text>
            <BanHistoryTimeline history={history} testId="ban-history" />
          </>
        )}
      </Stack>
    </Drawer>
  );
}
