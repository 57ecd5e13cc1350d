import {
  Badge,
  Button,
  Grid,
  Group,
  Progress,
  ScrollArea,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useQueries } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useTop } from "../api/queries.js";
import { useApi } from "../auth/auth-context.js";
import { looksLikeIp } from "../bans/ban-format.js";
import { BannedBadge } from "../bans/banned-badge.js";
import { CountryCell } from "../bans/country-cell.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { Panel } from "../dashboard/panel.js";
import { EMPTY_FILTERS } from "../filters/filters.js";
import { formatCount, formatTime } from "../format.js";
import { usePageTitle } from "../layout/use-page-title.js";
import { IpLink, ipPagePath } from "./ip-link.js";
import { LiveThreats } from "./live-threats.js";
import { quotaColor, quotaPercent } from "./threat-format.js";
import { ScoreBadge } from "./threat-panel.js";
import { cachedThreatQuery, useThreatProviders } from "./threat-queries.js";

const TOP = 25;
const LAST_24H = { ...EMPTY_FILTERS, range: "24h" as const };

function LookupForm() {
  const navigate = useNavigate();
  const [ip, setIp] = useState("");
  const bad = ip.trim() !== "" && !looksLikeIp(ip);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ip.trim() && !bad) void navigate(ipPagePath(ip.trim()));
  };
  return (
    <form onSubmit={submit}>
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          placeholder="IPv4 or IPv6 address"
          aria-label="IP to investigate"
          value={ip}
          onChange={(e) => setIp(e.currentTarget.value)}
          error={bad ? "Not an IPv4 or IPv6 address" : null}
          style={{ flex: 1, minWidth: 0 }}
          maw={360}
          data-testid="threat-lookup-ip"
        />
        <Button type="submit" disabled={!ip.trim() || bad} data-testid="threat-lookup-submit">
          Investigate
        </Button>
      </Group>
    </form>
  );
}

/**
 * The last day's most active hostile sources with the threat score Vigil already holds for each.
 * Scores are read with `cache_only`: listing 25 IPs must not spend 25 lookups of provider quota
 * (POST /threats/batch would look up every cache miss). An IP not looked up yet says so; its own page
 * looks it up.
 */
function RecentAttackers() {
  const api = useApi();
  const top = useTop("attacker", LAST_24H, TOP, { refreshMs: 60_000 });
  const ips = top.data ?? [];
  const scores = useQueries({ queries: ips.map((item) => cachedThreatQuery(api, item.key)) });
  const rows = useMemo(() => {
    const withScore = ips.map((item, i) => ({
      item,
      threat: scores[i]?.data ?? null,
      settled: !scores[i]?.isPending,
    }));
    // Highest known score first; IPs without a stored score keep their activity order below them.
    return withScore.sort((a, b) => (b.threat?.aggregated_score ?? -1) - (a.threat?.aggregated_score ?? -1));
  }, [ips, scores]);

  if (top.error && !top.data)
    return <ErrorNote compact error={top.error} onRetry={() => void top.refetch()} />;
  if (!top.data) return <Loading />;
  if (rows.length === 0) return <Empty>No drops, rejections or detections in the last 24 hours.</Empty>;
  return (
    <ScrollArea type="auto" offsetScrollbars="x">
      <Table fz="xs" verticalSpacing={4} striped miw={420} data-testid="threat-recent">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>IP</Table.Th>
            <Table.Th w={60}>Ctry</Table.Th>
            <Table.Th w={70} ta="right">
              Events
            </Table.Th>
            <Table.Th w={130}>Threat score</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ item, threat, settled }) => (
            <Table.Tr key={item.key} data-testid="threat-recent-row" data-ip={item.key}>
              <Table.Td>
                <IpLink ip={item.key} filter />
                <BannedBadge ip={item.key} />
              </Table.Td>
              <Table.Td>
                <CountryCell code={item.label ?? ""} />
              </Table.Td>
              <Table.Td ta="right" className="num">
                {formatCount(item.count)}
              </Table.Td>
              <Table.Td>
                {threat ? (
                  <ScoreBadge result={threat} />
                ) : (
                  <Text span size="xs" c="dimmed">
                    {settled ? "not looked up" : "…"}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

function Providers() {
  const providers = useThreatProviders();
  if (providers.isPending) return <Loading />;
  if (providers.error)
    return <ErrorNote compact error={providers.error} onRetry={() => void providers.refetch()} />;
  return (
    <Stack gap="sm" data-testid="threat-provider-status">
      {providers.data.map((p) => {
        const percent = quotaPercent(p);
        const backedOff = p.backoff_until !== null && Date.parse(p.backoff_until) > Date.now();
        return (
          <div key={p.name} data-testid="threat-provider-quota" data-provider={p.name}>
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                <Text size="sm" fw={600}>
                  {p.name}
                </Text>
                <Badge size="xs" variant="outline" color="gray">
                  tier {p.tier}
                </Badge>
                {!p.configured && (
                  <Badge size="xs" variant="light" color="gray">
                    not configured
                  </Badge>
                )}
                {backedOff && (
                  <Badge size="xs" variant="light" color="orange">
                    backed off
                  </Badge>
                )}
              </Group>
              <Text size="xs" className="num" style={{ whiteSpace: "nowrap" }}>
                {formatCount(p.used_today)}
                {p.daily_limit !== null ? ` / ${formatCount(p.daily_limit)}` : " today"}
              </Text>
            </Group>
            <Progress value={percent ?? 0} color={quotaColor(percent)} size={4} mt={2} />
            {p.last_error && (
              <Text size="xs" c="red.4" mt={2} style={{ wordBreak: "break-word" }}>
                {p.last_error_at ? `${formatTime(p.last_error_at)}: ` : ""}
                {p.last_error}
              </Text>
            )}
            {backedOff && p.backoff_until && (
              <Text size="xs" c="dimmed">
                Resting until {formatTime(p.backoff_until)}
              </Text>
            )}
          </div>
        );
      })}
    </Stack>
  );
}

/** "Advanced Threat": look an IP up, the day's riskiest sources, and the providers' standing. */
export function ThreatsPage() {
  usePageTitle("Advanced Threat");
  return (
    <Stack gap="sm" data-testid="threats-page">
      <Title order={3}>Advanced Threat</Title>
      <LookupForm />
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Panel title="Most active hostile sources (24 h), by threat score">
            <RecentAttackers />
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="sm">
            <Panel title="Found high-risk just now">
              <LiveThreats />
            </Panel>
            <Panel title="Providers: calls today">
              <Providers />
            </Panel>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
