import { Card, Group, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** A titled dashboard card; `extra` sits at the right of the title (a button, a count). */
export function Panel({
  title,
  extra,
  children,
  h,
  "data-testid": testId,
}: {
  title: string;
  extra?: ReactNode;
  children: ReactNode;
  h?: number | string;
  "data-testid"?: string;
}) {
  return (
    <Card h={h} data-testid={testId} style={{ display: "flex", flexDirection: "column" }}>
      <Group justify="space-between" mb={6} wrap="nowrap" gap="xs">
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          {title}
        </Text>
        {extra}
      </Group>
      <div style={{ flex: 1, minHeight: 0 }}>{children}</div>
    </Card>
  );
}
