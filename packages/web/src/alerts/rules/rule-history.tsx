import { Anchor, Group, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { SeverityBadge } from "../../components/severity-badge.js";
import { formatCount, formatTime } from "../../format.js";
import { AlertStateBadge } from "../alert-state-badge.js";
import { useRuleHistory } from "./rule-queries.js";

/** The rule's last firings, each linking to its alert. */
export function RuleHistory({ ruleId, onNavigate }: { ruleId: string; onNavigate: () => void }) {
  const history = useRuleHistory(ruleId);
  const items = history.data ?? [];
  return (
    <Stack gap={4} data-testid="rule-history">
      <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
        Recent firings
      </Text>
      {history.isPending ? (
        <Text size="xs" c="dimmed">
          Loading…
        </Text>
      ) : items.length === 0 ? (
        <Text size="xs" c="dimmed">
          {history.error ? "History unavailable." : "This rule has not fired yet."}
        </Text>
      ) : (
        <Table fz="xs" verticalSpacing={2} striped>
          <Table.Tbody>
            {items.slice(0, 20).map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td className="num" w={150}>
                  {formatTime(a.created_at)}
                </Table.Td>
                <Table.Td w={84}>
                  <SeverityBadge severity={a.severity} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Anchor
                      component={Link}
                      to={`/alerts/${encodeURIComponent(a.id)}`}
                      onClick={onNavigate}
                      size="xs"
                    >
                      {a.group_value || a.title}
                    </Anchor>
                    <Text span size="xs" c="dimmed">
                      {a.site} · {formatCount(a.count)} events
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td w={120}>
                  <AlertStateBadge state={a.state} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
