import { Alert, Button, Center, Group, Loader, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { errorMessage } from "../api/problem.js";

/**
 * The error shown everywhere: the server's problem `detail`, and a retry when one makes sense.
 * `compact` is for dashboard panels, where six red boxes for one outage would drown the page.
 */
export function ErrorNote({
  error,
  onRetry,
  title,
  compact = false,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  compact?: boolean;
}) {
  const retry = onRetry && (
    <Button size="compact-xs" variant="default" onClick={onRetry}>
      Retry
    </Button>
  );
  if (compact) {
    return (
      <Center h="100%" mih={80} data-testid="error-note">
        <Stack gap={6} align="center" maw={360}>
          <Text size="sm" c="red.4" ta="center">
            {errorMessage(error)}
          </Text>
          {retry}
        </Stack>
      </Center>
    );
  }
  return (
    <Alert color="red" variant="light" title={title ?? "Could not load"} data-testid="error-note">
      <Group justify="space-between" gap="sm">
        <Text size="sm">{errorMessage(error)}</Text>
        {retry}
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
