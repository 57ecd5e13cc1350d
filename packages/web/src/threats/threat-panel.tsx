import { Badge, Group, RingProgress, ScrollArea, Stack, Table, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { ErrorNote, Loading } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { LEVEL_COLOR, ROW_STATUS_COLOR, statusLabel } from "./threat-format.js";
import { useThreat } from "./threat-queries.js";
import type { ThreatLookupResult } from "./threat-types.js";

export function ScoreBadge({
  result,
}: {
  result: Pick<ThreatLookupResult, "aggregated_score" | "threat_level">;
}) {
  return (
    <Badge color={LEVEL_COLOR[result.threat_level]} variant="light" data-testid="threat-score-badge">
      {result.aggregated_score} · {result.threat_level}
    </Badge>
  );
}

/** A phone's layout: one block per provider, the detail under its name instead of a squeezed column. */
function ProviderList({ result }: { result: ThreatLookupResult }) {
  return (
    <Stack gap={6} data-testid="threat-providers">
      {result.providers.map((p) => (
        <div key={p.name} data-testid="threat-provider-row" data-provider={p.name} data-status={p.status}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Group gap={6} wrap="nowrap">
              <Text size="sm" fw={600}>
                {p.name}
              </Text>
              <Text size="xs" c="dimmed">
                tier {p.tier}
              </Text>
              <Badge size="xs" variant="light" color={ROW_STATUS_COLOR[p.status] ?? "gray"}>
                {statusLabel(p.status)}
              </Badge>
            </Group>
            <Text size="sm" fw={600} className="num">
              {p.score ?? "—"}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" style={{ wordBreak: "break-word" }}>
            {p.detail}
            {p.checked_at ? ` · ${formatTime(p.checked_at)}` : ""}
          </Text>
        </div>
      ))}
    </Stack>
  );
}

function ProviderTable({ result }: { result: ThreatLookupResult }) {
  const phone = useMediaQuery("(max-width: 47.99em)") === true;
  if (phone) return <ProviderList result={result} />;
  return (
    <ScrollArea type="auto" offsetScrollbars="x">
      <Table fz="xs" verticalSpacing={4} striped miw={540} data-testid="threat-providers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={110}>Provider</Table.Th>
            <Table.Th w={40}>Tier</Table.Th>
            <Table.Th w={130}>Status</Table.Th>
            <Table.Th w={50} ta="right">
              Score
            </Table.Th>
            <Table.Th>Detail</Table.Th>
            <Table.Th w={130}>Checked</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.providers.map((p) => (
            <Table.Tr
              key={p.name}
              data-testid="threat-provider-row"
              data-provider={p.name}
              data-status={p.status}
            >
              <Table.Td fw={600}>{p.name}</Table.Td>
              <Table.Td className="num">{p.tier}</Table.Td>
              <Table.Td>
                <Badge size="xs" variant="light" color={ROW_STATUS_COLOR[p.status] ?? "gray"}>
                  {statusLabel(p.status)}
                </Badge>
              </Table.Td>
              <Table.Td ta="right" className="num">
                {p.score ?? "—"}
              </Table.Td>
              <Table.Td style={{ wordBreak: "break-word" }}>{p.detail}</Table.Td>
              <Table.Td className="num">{p.checked_at ? formatTime(p.checked_at) : "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

/** The aggregated score and every provider's answer for one IP. */
export function ThreatPanel({ ip }: { ip: string }) {
  const threat = useThreat(ip);
  if (threat.isPending) return <Loading />;
  if (threat.error) return <ErrorNote error={threat.error} onRetry={() => void threat.refetch()} compact />;
  if (threat.data === null)
    // Audit reads stored results only: nobody has looked this IP up yet.
    return (
      <Text size="sm" c="dimmed" data-testid="threat-not-looked-up">
        Not looked up yet. A lookup spends provider quota, so an analyst makes it (opening this page as an
        analyst does).
      </Text>
    );
  const r = threat.data;
  return (
    <Stack gap="xs" data-testid="threat-panel" data-score={r.aggregated_score}>
      <Group gap="md" wrap="nowrap" align="center">
        <RingProgress
          size={72}
          thickness={7}
          roundCaps
          sections={[{ value: r.aggregated_score, color: LEVEL_COLOR[r.threat_level] }]}
          label={
            <Text ta="center" fw={700} size="sm" data-testid="threat-score">
              {r.aggregated_score}
            </Text>
          }
        />
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap={6}>
            <ScoreBadge result={r} />
            {r.is_malicious && (
              <Badge color="red" size="sm">
                malicious
              </Badge>
            )}
            {r.is_tor && (
              <Badge color="grape" size="sm">
                Tor
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            Confidence {r.confidence}% · {r.cached ? "from the cache" : "asked just now"} ·{" "}
            {formatTime(r.checked_at)}
          </Text>
          {r.categories.length > 0 && (
            <Text size="xs" style={{ wordBreak: "break-word" }}>
              {r.categories.join(", ")}
            </Text>
          )}
          {r.sources.length > 0 && (
            <Text size="xs" c="dimmed">
              Backed by {r.sources.join(", ")}
            </Text>
          )}
        </Stack>
      </Group>
      <ProviderTable result={r} />
    </Stack>
  );
}
