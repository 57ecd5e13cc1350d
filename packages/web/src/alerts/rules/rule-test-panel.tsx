import { Badge, Alert as Callout, Group, Stack, Text } from "@mantine/core";
import { useMemo } from "react";
import { errorMessage } from "../../api/problem.js";
import { Chart } from "../../components/chart.js";
import { replayChartOption } from "../../components/replay-chart.js";
import { ReplayControls } from "../../components/replay-controls.js";
import { formatCount, formatTime } from "../../format.js";
import type { AlertRuleInput } from "../alert-types.js";
import { useRuleActions } from "./rule-queries.js";

/**
 * Runs the rule as it stands in the editor (unsaved) over stored events: how often it would have
 * alerted, after its cooldown, without raising anything.
 */
export function RuleTestPanel({ build }: { build: () => AlertRuleInput | null }) {
  const { test } = useRuleActions();
  const result = test.data;
  const option = useMemo(
    () =>
      result
        ? replayChartOption(
            result.buckets.map((b) => ({ t: b.t, events: b.events, fired: b.firings })),
            "Alerts",
          )
        : null,
    [result],
  );
  return (
    <Stack gap="xs" data-testid="rule-test-panel">
      <ReplayControls
        label="Test over"
        button="Test"
        testId="rule-test"
        pending={test.isPending}
        onRun={(from, to) => {
          const rule = build();
          if (rule) test.mutate({ id: null, rule, from, to });
        }}
      />
      {test.error && (
        <Callout color="red" variant="light" data-testid="rule-test-error">
          {errorMessage(test.error)}
        </Callout>
      )}
      {result && option && (
        <>
          <Text size="xs" c="dimmed" data-testid="rule-test-summary">
            {formatCount(result.scanned)} events scanned
            {result.capped ? ` (capped at ${formatTime(result.scanned_until)})` : ""} ·{" "}
            {formatCount(result.matched)} matched · {formatCount(result.firings.length)} alert
            {result.firings.length === 1 ? "" : "s"} would have been raised
          </Text>
          <Chart option={option} height={200} data-testid="rule-test-chart" />
          {result.firings.length > 0 && (
            <Group gap={4}>
              <Text size="xs" fw={600}>
                Would alert:
              </Text>
              {result.firings.slice(-50).map((f) => (
                <Badge
                  key={`${f.at}:${f.group_value}`}
                  size="xs"
                  color="red"
                  variant="light"
                  ff="monospace"
                  title={`${formatTime(f.at)} · ${f.site} · ${f.count} events`}
                >
                  {f.group_value || f.site || "—"}
                </Badge>
              ))}
              {result.firings.length > 50 && <Text size="xs">and {result.firings.length - 50} earlier</Text>}
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
