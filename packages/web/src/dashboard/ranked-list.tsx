import { Group, Progress, Stack, Text, UnstyledButton } from "@mantine/core";
import type { KeyboardEvent, ReactNode } from "react";
import { formatCount } from "../format.js";

export interface RankedItem {
  key: string;
  count: number;
  label: ReactNode;
  extra?: ReactNode;
}

/**
 * A top-N list with a proportional bar per row; each row pivots to the explorer. A row is a div acting
 * as a button (not a <button>) so a label may hold a link of its own (an IP opens its IP page).
 */
export function RankedList({
  items,
  color,
  onPick,
  rowTestId,
}: {
  items: RankedItem[];
  color: string;
  onPick: (key: string) => void;
  rowTestId: string;
}) {
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <Stack gap={4}>
      {items.map((item) => (
        <UnstyledButton
          component="div"
          role="button"
          tabIndex={0}
          key={item.key}
          onClick={() => onPick(item.key)}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.target === e.currentTarget && (e.key === "Enter" || e.key === " ")) {
              e.preventDefault();
              onPick(item.key);
            }
          }}
          data-testid={rowTestId}
          title="Show these events"
          style={{ borderRadius: 4 }}
          px={4}
        >
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
              {item.label}
              {item.extra}
            </Group>
            <Text size="sm" fw={600} className="num">
              {formatCount(item.count)}
            </Text>
          </Group>
          <Progress value={(item.count / max) * 100} color={color} size={3} mt={2} />
        </UnstyledButton>
      ))}
    </Stack>
  );
}
