import { Badge, Button, Alert as Callout, Group, Select, Stack, Text } from "@mantine/core";
import type { EChartsOption } from "echarts";
import { useMemo, useState } from "react";
import { errorMessage } from "../../api/problem.js";
import { CHART_GRID_LINE, CHART_TEXT, CHART_TOOLTIP, Chart } from "../../components/chart.js";
import { formatCount, formatTime } from "../../format.js";
import type { AlertRuleInput, AlertRuleTestResult } from "../alert-types.js";
import { useRuleActions } from "./rule-queries.js";

const RANGES = [
  { value: "3600000", label: "Last hour" },
  { value: "21600000", label: "Last 6 hours" },
  { value: "86400000", label: "Last 24 hours" },
  { value: "604800000", label: "Last 7 days" },
];

function chartOption(result: AlertRuleTestResult): EChartsOption {
  const labels = result.buckets.map((b) => formatTime(b.t).slice(5, 16));
  return {
    tooltip: { trigger: "axis", ...CHART_TOOLTIP },
    legend: { textStyle: { color: CHART_TEXT }, top: 0 },
    grid: { left: 48, right: 48, top: 28, bottom: 24 },
    xAxis: { type: "category", data: labels, axisLabel: { color: CHART_TEXT } },
    yAxis: [
      {
        type: "value",
        name: "events",
        axisLabel: { color: CHART_TEXT },
        splitLine: { lineStyle: { color: CHART_GRID_LINE } },
      },
      {
        type: "value",
        name: "alerts",
        minInterval: 1,
        axisLabel: { color: CHART_TEXT },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: "Matching events",
        type: "bar",
        data: result.buckets.map((b) => b.events),
        itemStyle: { color: "#4c6ef5" },
      },
      {
        name: "Alerts",
        type: "bar",
        yAxisIndex: 1,
        data: result.buckets.map((b) => b.firings),
        itemStyle: { color: "#fa5252" },
      },
    ],
  };
}

/**
 * Runs the rule as it stands in the editor (unsaved) over stored events: how often it would have
 * alerted, after its cooldown, without raising anything.
 */
export function RuleTestPanel({ build }: { build: () => AlertRuleInput | null }) {
  const { test } = useRuleActions();
  const [range, setRange] = useState("86400000");
  const result = test.data;
  const option = useMemo(() => (result ? chartOption(result) : null), [result]);
  const run = () => {
    const rule = build();
    if (!rule) return;
    const to = Date.now();
    test.mutate({
      id: null,
      rule,
      from: new Date(to - Number(range)).toISOString(),
      to: new Date(to).toISOString(),
    });
  };
  return (
    <Stack gap="xs" data-testid="rule-test-panel">
      <Group gap="xs" align="flex-end">
        <Select
          size="xs"
          label="Test over"
          data={RANGES}
          value={range}
          onChange={(v) => v && setRange(v)}
          allowDeselect={false}
          w={160}
        />
        <Button size="xs" variant="light" onClick={run} loading={test.isPending} data-testid="rule-test">
          Test
        </Button>
      </Group>
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
