import { Badge, Drawer, Group, Stack, Table, Text, Timeline } from "@mantine/core";
import type { ReactNode } from "react";
import type { BanAction } from "../api/response-types.js";
import { useIsStaff } from "../auth/auth-context.js";
import { ErrorNote, Loading } from "../components/query-state.js";
import { sitesLabel } from "../components/site-options.js";
import { formatTime } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { StatusBadge } from "./active-bans.js";
import { formatRemaining, formatSpan, tierLabel } from "./ban-format.js";
import { useBanDetail } from "./ban-queries.js";
import { CountryCell } from "./country-cell.js";
import { EnforcedOn } from "./enforced-on.js";
import { useNow } from "./use-now.js";

const ACTION_COLOR: Record<BanAction, string> = {
  ban: "red",
  escalate: "orange",
  approve: "red",
  pending: "yellow",
  unban: "teal",
  expire: "gray",
  reject: "gray",
};

/** A threat score with the providers or feeds that voted for it ("87 (otx, abuseipdb)"). */
export function threatText(score: number, sources: readonly string[]): string {
  return sources.length > 0 ? `${score} (${sources.join(", ")})` : String(score);
}

/** One IP's ban and every transition it went through (who, when, why), newest first. */
export function BanDrawer({ ip, onClose }: { ip: string | null; onClose: () => void }) {
  const detail = useBanDetail(ip);
  const staff = useIsStaff();
  const now = useNow();
  const ban = detail.data?.ban ?? null;
  const history = [...(detail.data?.history ?? [])].sort((a, b) => b.at.localeCompare(a.at));
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
            <Timeline bulletSize={14} lineWidth={2} data-testid="ban-history">
              {history.map((h) => (
                <Timeline.Item
                  key={h.id}
                  color={ACTION_COLOR[h.action] ?? "gray"}
                  title={
                    <Group gap="xs">
                      <Badge size="xs" color={ACTION_COLOR[h.action] ?? "gray"}>
                        {h.action}
                      </Badge>
                      <Text size="xs" className="num">
                        {formatTime(h.at)}
                      </Text>
                    </Group>
                  }
                >
                  <Text size="xs">
                    tier {h.tier}
                    {h.duration_ms !== null ? ` · ${formatSpan(h.duration_ms)}` : ""} · {h.actor} ({h.source})
                    {h.threat_score !== null && h.threat_sources.length > 0
                      ? ` · threat score ${threatText(h.threat_score, h.threat_sources)}`
                      : ""}
                  </Text>
                  {h.reason && (
                    <Text size="xs" c="dimmed">
                      {h.reason}
                    </Text>
                  )}
                </Timeline.Item>
              ))}
            </Timeline>
          </>
        )}
      </Stack>
    </Drawer>
  );
}
