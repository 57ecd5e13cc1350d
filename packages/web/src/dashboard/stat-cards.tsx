import { Card, SimpleGrid, Skeleton, Text } from "@mantine/core";
import type { UseQueryResult } from "@tanstack/react-query";
import type { EventStats, KeyCount } from "../api/types.js";
import { ErrorNote } from "../components/query-state.js";
import { formatCount } from "../format.js";

const sum = (items: KeyCount[], keys: readonly string[]): number =>
  items.filter((i) => keys.includes(i.key)).reduce((total, i) => total + i.count, 0);

interface CardSpec {
  label: string;
  testId: string;
  color: string;
  value: (s: EventStats) => number;
}

const CARDS: CardSpec[] = [
  { label: "Total events", testId: "stat-total", color: "gray.0", value: (s) => s.total },
  {
    label: "Critical + high",
    testId: "stat-critical-high",
    color: "red.5",
    value: (s) => sum(s.by_severity, ["critical", "high"]),
  },
  {
    label: "Drops / blocks",
    testId: "stat-blocked",
    color: "orange.5",
    value: (s) => sum(s.by_action, ["drop", "reject"]),
  },
  { label: "Unique source IPs", testId: "stat-unique-ips", color: "blue.4", value: (s) => s.unique_src_ips },
];

export function StatCards({ stats }: { stats: UseQueryResult<EventStats> }) {
  if (stats.error && !stats.data)
    return <ErrorNote error={stats.error} onRetry={() => void stats.refetch()} />;
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
      {CARDS.map((card) => (
        <Card key={card.testId} py="xs">
          <Text size="xs" tt="uppercase" fw={700} c="dimmed">
            {card.label}
          </Text>
          {stats.data ? (
            <Text fz={34} fw={700} lh={1.15} c={card.color} className="num" data-testid={card.testId}>
              {formatCount(card.value(stats.data))}
            </Text>
          ) : (
            <Skeleton h={39} mt={2} w="60%" />
          )}
        </Card>
      ))}
    </SimpleGrid>
  );
}
