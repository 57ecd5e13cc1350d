import { Alert, Badge, Button, Group, Select, Stack, Text } from "@mantine/core";
import type { EChartsOption } from "echarts";
import { useMemo, useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { BacktestResult } from "../api/response-types.js";
import { CHART_GRID_LINE, CHART_TEXT, CHART_TOOLTIP, Chart } from "../components/chart.js";
import { formatCount, formatTime } from "../format.js";
import { useScenarioActions } from "./scenario-queries.js";

const RANGES = [
  { value: "3600000", label: "Last hour" },
  { value: "21600000", label: "Last 6 hours" },
  { value: "86400000", label: "Last 24 hours" },
  { value: "604800000", label: "Last 7 days" },
];

function chartOption(result: BacktestResult): EChartsOption {
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
      { type: "value", name: "detections", axisLabel: { color: CHART_TEXT }, splitLine: { show: false } },
    ],
    series: [
      {
        name: "Matching events",
        type: "bar",
        data: result.buckets.map((b) => b.events),
        itemStyle: { color: "#4c6ef5" },
      },
      {
        name: "Detections",
        type: "bar",
        yAxisIndex: 1,
        data: result.buckets.map((b) => b.detections),
        itemStyle: { color: "#fa5252" },
      },
    ],
  };
}

/** Runs the scenario (as edited, unsaved) over stored events: what it would have banned, acting on nothing. */
export function BacktestPanel({ name, yaml }: { name: string; yaml: string }) {
  const { backtest } = useScenarioActions();
  const [range, setRange] = useState("86400000");
  const result = backtest.data;
  const option = useMemo(() => (result ? chartOption(result) : null), [result]);
  const run = () => {
    const to = Date.now();
    backtest.mutate({
      name,
      yaml,
      from: new Date(to - Number(range)).toISOString(),
      to: new Date(to).toISOString(),
    });
  };
  return (
    <Stack gap="xs" data-testid="backtest">
      <Group gap="xs" align="flex-end">
        <Select
          size="xs"
          label="Backtest over"
          data={RANGES}
          value={range}
          onChange={(v) => v && setRange(v)}
          allowDeselect={false}
          w={160}
        />
        <Button
          size="xs"
          variant="light"
          onClick={run}
          loading={backtest.isPending}
          data-testid="backtest-run"
        >
          Backtest
        </Button>
      </Group>
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
