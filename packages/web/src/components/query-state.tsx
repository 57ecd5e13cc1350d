import { Alert, Button, Center, Group, Loader, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { errorMessage } from "../api/problem.js";

/** The error box used everywhere: the server's problem `detail`, and a retry when one makes sense. */
export function ErrorNote({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <Alert color="red" variant="light" title={title ?? "Could not load"} data-testid="error-note">
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="compact-xs" variant="default" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}

export function Loading({ h = 120 }: { h?: number | string }) {
  return (
    <Center h={h}>
      <Loader size="sm" />
    </Center>
  );
}

export function Empty({ children, h = 120 }: { children: ReactNode; h?: number | string }) {
  return (
    <Center h={h} data-testid="empty-state">
      <Text size="sm" c="dimmed" ta="center">
        {children}
      </Text>
    </Center>
  );
}
