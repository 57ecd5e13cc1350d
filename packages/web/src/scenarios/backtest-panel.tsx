import { Alert, Badge, Group, Stack, Text } from "@mantine/core";
import { useMemo } from "react";
import { errorMessage } from "../api/problem.js";
import { Chart } from "../components/chart.js";
import { replayChartOption } from "../components/replay-chart.js";
import { ReplayControls } from "../components/replay-controls.js";
import { formatCount } from "../format.js";
import { useScenarioActions } from "./scenario-queries.js";

/** Runs the scenario (as edited, unsaved) over stored events: what it would have banned, acting on nothing. */
export function BacktestPanel({ name, yaml }: { name: string; yaml: string }) {
  const { backtest } = useScenarioActions();
  const result = backtest.data;
  const option = useMemo(
    () =>
      result
        ? replayChartOption(
            result.buckets.map((b) => ({ t: b.t, events: b.events, fired: b.detections })),
            "Detections",
          )
        : null,
    [result],
  );
  return (
    <Stack gap="xs" data-testid="backtest">
      <ReplayControls
        label="Backtest over"
        button="Backtest"
        testId="backtest-run"
        pending={backtest.isPending}
        onRun={(from, to) => backtest.mutate({ name, yaml, from, to })}
      />
      {backtest.error && (
        <Alert color="red" variant="light">
          {errorMessage(backtest.error)}
        </Alert>
      )}
      {result && option && (
        <>
          <Text size="xs" c="dimmed">
            {formatCount(result.scanned)} events scanned · {result.detections.length} detections ·{" "}
            {result.would_ban.length} would be banned · {result.would_alert.length} would alert
          </Text>
          <Chart option={option} height={200} data-testid="backtest-chart" />
          {result.would_ban.length > 0 && (
            <Group gap={4} data-testid="backtest-would-ban">
              <Text size="xs" fw={600}>
                Would ban:
              </Text>
              {result.would_ban.slice(0, 100).map((ip) => (
                <Badge key={ip} size="xs" color="red" variant="light" ff="monospace">
                  {ip}
                </Badge>
              ))}
              {result.would_ban.length > 100 && (
                <Text size="xs">and {result.would_ban.length - 100} more</Text>
              )}
            </Group>
          )}
          {result.would_alert.length > 0 && (
            <Group gap={4}>
              <Text size="xs" fw={600}>
                Would alert:
              </Text>
              {result.would_alert.slice(0, 100).map((ip) => (
                <Badge key={ip} size="xs" color="yellow" variant="light" ff="monospace">
                  {ip}
                </Badge>
              ))}
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
